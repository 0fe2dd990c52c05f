"""Hessian of a logistic-regression loss with respect to its weight vector (tf.hessians)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y, w):
    z = tf.reduce_sum(x * w, axis=1)
    p = tf.nn.sigmoid(z)
    loss = -tf.reduce_mean(y * tf.math.log(p) + (1.0 - y) * tf.math.log(1.0 - p))
    return tf.hessians(loss, w)

ARGS = [np.array([[1.0, 2.0, 0.5], [-1.0, 0.0, 1.0], [0.5, -0.5, 2.0], [2.0, 1.0, -1.0]], dtype=np.float32),
        np.array([1.0, 0.0, 1.0, 0.0], dtype=np.float32),
        np.array([0.1, -0.2, 0.3], dtype=np.float32)]
