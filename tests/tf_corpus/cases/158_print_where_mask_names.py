"""PRINTS: names of comparison, cast mask, where with scalar branch, and the SelectV2 gradient names."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    m = tf.cast(x > 0.0, tf.float32)
    w = tf.where(y > 1.0, y, 0.0)
    z = m * x + w
    g = tf.gradients(tf.reduce_sum(z), [x, y])
    print(m, w, z)
    print(g)
    return g

ARGS = [np.array([1.0, -2.0, 3.0], dtype=np.float32), np.array([2.0, 0.5, 1.5], dtype=np.float32)]
PRINTS = True
