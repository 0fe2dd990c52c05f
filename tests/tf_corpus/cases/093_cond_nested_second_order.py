"""Nested tf.cond (cond inside a branch) and a second-order gradient through it."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    def outer_true():
        return tf.cond(w[0] > 0.0, lambda: x * x * w, lambda: tf.exp(x))
    z = tf.cond(tf.reduce_sum(x) > 0.0, outer_true, lambda: x * 3.0)
    g = tf.gradients(tf.reduce_sum(z), x)[0]
    return g, tf.gradients(g, [x, w])

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([0.5, 0.5], dtype=np.float32)]
