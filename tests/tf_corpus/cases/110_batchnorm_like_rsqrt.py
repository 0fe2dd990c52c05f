"""Batch-norm-like normalisation: reduce_mean, variance via square, rsqrt(var + eps), scale and shift."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, gamma, beta):
    mean = tf.reduce_mean(x, axis=0, keepdims=True)
    var = tf.reduce_mean(tf.square(x - mean), axis=0, keepdims=True)
    xhat = (x - mean) * tf.math.rsqrt(var + 1e-3)
    y = gamma * xhat + beta
    loss = tf.reduce_sum(tf.sin(y))
    return tf.gradients(loss, [x, gamma, beta])

ARGS = [np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 2.0], [3.0, 0.0, 0.5], [-1.0, 1.0, 1.0]], dtype=np.float32),
        np.array([1.0, 0.5, 2.0], dtype=np.float32),
        np.array([0.0, 0.1, -0.2], dtype=np.float32)]
