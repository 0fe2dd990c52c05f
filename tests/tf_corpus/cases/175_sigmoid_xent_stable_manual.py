"""Numerically stable sigmoid cross entropy: max(z,0) - z*t + log1p(exp(-|z|)), with a tie at z = 0."""
import tensorflow as tf
import numpy as np

@tf.function
def f(z, t):
    loss = tf.maximum(z, 0.0) - z * t + tf.math.log1p(tf.exp(-tf.abs(z)))
    return tf.gradients(tf.reduce_sum(loss), [z, t])

ARGS = [np.array([2.0, -1.0, 0.0, 30.0, -30.0], dtype=np.float32),
        np.array([1.0, 0.0, 1.0, 0.0, 1.0], dtype=np.float32)]
