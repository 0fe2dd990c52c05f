"""A helper with a bias default argument is called three times; gradients wrt all shared parameters."""
import tensorflow as tf
import numpy as np

def unit(h, w, b=None, scale=1.0):
    z = tf.matmul(h, w)
    if b is not None:
        z = z + b
    return tf.tanh(z) * scale

@tf.function
def f(x, w, b):
    h1 = unit(x, w, b)
    h2 = unit(h1, w)
    h3 = unit(h2, w, b, scale=0.5)
    return tf.gradients(tf.reduce_sum(h3), [x, w, b])

ARGS = [np.array([[1.0, -1.0]], dtype=np.float32),
        np.array([[0.5, 0.2], [-0.3, 0.9]], dtype=np.float32),
        np.array([0.1, -0.1], dtype=np.float32)]
