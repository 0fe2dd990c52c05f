"""Module-level eager tf.constant inputs captured inside the function (weights and a bias)."""
import tensorflow as tf
import numpy as np

W = tf.constant([[1.0, -1.0, 0.5], [2.0, 0.0, 1.0]])
B = tf.constant([0.1, 0.2, 0.3])
SCALE = tf.constant(2.0, dtype=tf.float64)

@tf.function
def f(x):
    y = tf.nn.sigmoid(tf.matmul(x, W) + B)
    z = tf.cast(x, tf.float64) * SCALE
    return tf.gradients(tf.reduce_sum(y), x), tf.gradients(z, x)

ARGS = [np.array([[0.5, -0.5], [1.0, 2.0]], dtype=np.float32)]
