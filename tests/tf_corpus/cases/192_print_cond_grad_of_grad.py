"""PRINTS: gradients of gradients through a cond (values of the second order; names of the first)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    z = tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.sin(x) * y * x, lambda: x * x * y)
    g = tf.gradients(tf.reduce_sum(z), [x, y])
    print(g)
    h = tf.gradients(tf.reduce_sum(g[0] * g[0]) + tf.reduce_sum(g[1]), [x, y])
    return g, h

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([-0.5, 1.5], dtype=np.float32)]
PRINTS = True
