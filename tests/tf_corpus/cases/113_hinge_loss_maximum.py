"""Hinge loss mean(maximum(0, 1 - y * score)) for a linear classifier; ties at the hinge go to the first arg."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y, w, b):
    score = tf.squeeze(tf.matmul(x, w), axis=1) + b
    loss = tf.reduce_mean(tf.maximum(0.0, 1.0 - y * score))
    return tf.gradients(loss, [w, b])

ARGS = [np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 2.0]], dtype=np.float32),
        np.array([1.0, -1.0, 1.0, -1.0], dtype=np.float32),
        np.array([[0.5], [0.5]], dtype=np.float32),
        np.array(0.0, dtype=np.float32)]
