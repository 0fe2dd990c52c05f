"""PRINTS: reduce_max/reduce_min with ties along axis 1, keepdims, and over all axes: Max_grad/Min_grad names."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    m1 = tf.reduce_max(x, axis=1)
    m2 = tf.reduce_min(x, axis=0, keepdims=True)
    m3 = tf.reduce_max(x)
    g1 = tf.gradients(m1, x)
    g2 = tf.gradients(m2, x)
    g3 = tf.gradients(m3 * 2.0 + tf.reduce_sum(m1), x)
    print(g1, g2, g3)
    return g1, g2, g3

ARGS = [np.array([[3.0, 3.0, 1.0], [2.0, 2.0, 2.0], [5.0, -1.0, 5.0]], dtype=np.float32)]
PRINTS = True
