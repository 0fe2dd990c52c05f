"""Polynomial features via tf.pow and tf.concat(axis=-1) of expand_dims(-1) columns; matmul regression."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    cols = [tf.ones_like(x), x, tf.pow(x, 2.0), tf.pow(x, 3.0)]
    phi = tf.concat([tf.expand_dims(cols[0], -1), tf.expand_dims(cols[1], -1),
                     tf.expand_dims(cols[2], -1), tf.expand_dims(cols[3], -1)], axis=-1)
    pred = tf.matmul(phi, w)
    return tf.gradients(tf.reduce_sum(tf.tanh(pred)), [w, x])

ARGS = [np.array([0.5, -1.0, 1.5, 0.0], dtype=np.float32),
        np.array([[0.1], [0.5], [-0.2], [0.05]], dtype=np.float32)]
