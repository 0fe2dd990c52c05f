"""reduce_logsumexp over axis 0, over [0, 2] with keepdims, and over all axes of a rank-3 tensor."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.math.reduce_logsumexp(x, axis=0)
    b = tf.math.reduce_logsumexp(x, axis=[0, 2], keepdims=True)
    c = tf.math.reduce_logsumexp(x)
    return tf.gradients(a, x), tf.gradients(b * b, x), tf.gradients(c, x)

ARGS = [np.array([[[1.0, 2.0], [0.0, -1.0], [3.0, 3.0]], [[0.5, 0.5], [2.0, 1.0], [-2.0, 0.0]]], dtype=np.float32)]
