"""PRINTS: gradient names for broadcast sub/div/maximum/where and a (2,1)*(1,3) multiply."""
import tensorflow as tf
import numpy as np

@tf.function
def f(m, r, c):
    g1 = tf.gradients(m - r, [m, r])
    g2 = tf.gradients(m / r, [m, r])
    g3 = tf.gradients(tf.maximum(m, r), [m, r])
    g4 = tf.gradients(tf.where(m > 2.0, r, m), [m, r])
    g5 = tf.gradients(c * r, [c, r])
    print(g1, g2, g3, g4, g5)
    return g1, g2, g3, g4, g5

ARGS = [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32),
        np.array([2.0, 1.0, 4.0], dtype=np.float32),
        np.array([[1.0], [2.0]], dtype=np.float32)]
PRINTS = True
