"""tf.newaxis in slices (outer product via broadcasting)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(u, v):
    outer = u[:, tf.newaxis] * v[tf.newaxis, :]
    return tf.gradients(tf.reduce_sum(tf.tanh(outer)), [u, v])

ARGS = [np.array([1.0, -0.5, 2.0], dtype=np.float32), np.array([0.5, 0.25], dtype=np.float32)]
