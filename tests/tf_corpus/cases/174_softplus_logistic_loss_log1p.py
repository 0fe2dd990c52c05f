"""Logistic loss written with softplus = log1p(exp(z)) and a margin y * z; gradients wrt w and b."""
import tensorflow as tf
import numpy as np

def softplus(z):
    return tf.math.log1p(tf.exp(z))

@tf.function
def f(x, y, w, b):
    z = tf.reduce_sum(x * w, axis=-1) + b
    loss = tf.reduce_mean(softplus(-y * z))
    return loss, tf.gradients(loss, [w, b])

ARGS = [np.array([[1.0, 0.5], [-1.0, 2.0], [0.0, -0.5]], dtype=np.float32),
        np.array([1.0, -1.0, 1.0], dtype=np.float32),
        np.array([0.3, -0.7], dtype=np.float32),
        np.array(0.1, dtype=np.float32)]
