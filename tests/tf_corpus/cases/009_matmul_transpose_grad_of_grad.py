"""Gradient of a gradient through matmul with transpose_a and transpose_b."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b):
    y = tf.matmul(a, b, transpose_a=True, transpose_b=True)
    l = tf.reduce_sum(tf.sin(y))
    ga, gb = tf.gradients(l, [a, b])
    return tf.gradients(tf.reduce_sum(ga * ga) + tf.reduce_sum(gb), [a, b])

ARGS = [np.array([[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]], dtype=np.float32),
        np.array([[1.0, 0.5], [-0.5, 0.25], [0.0, 1.0], [2.0, -1.0]], dtype=np.float32)]
