"""Hessian of a tiny float64 tanh network wrt a parameter vector reshaped into a matrix."""
import tensorflow as tf
import numpy as np

@tf.function
def f(theta, x):
    w = tf.reshape(theta, [2, 2])
    h = tf.tanh(tf.matmul(x, w))
    loss = tf.reduce_sum(h * h)
    return tf.hessians(loss, theta)

ARGS = [np.array([0.5, -0.3, 0.2, 0.8], dtype=np.float64),
        np.array([[1.0, 0.5], [-0.5, 2.0]], dtype=np.float64)]
