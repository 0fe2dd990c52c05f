"""tf.cond whose branches return different shapes: the result has the taken branch's shape (scalar)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    z = tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.reduce_sum(x), lambda: x * 2.0)
    return z, tf.gradients(z, x)

ARGS = [np.array([1.0, 1.0], dtype=np.float32)]
