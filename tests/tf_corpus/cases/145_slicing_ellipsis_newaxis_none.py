"""Slicing with `...`, None (new axes), negative indices and strides; gradient scatters back."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = x[..., 1]
    b = x[:, None, 0]
    c = x[None, ..., ::2]
    d = x[-1, ..., None]
    y = tf.reduce_sum(a * a) + tf.reduce_sum(b * 3.0) + tf.reduce_sum(tf.sin(c)) + tf.reduce_sum(d * d * d)
    return b.shape[1], c.shape[0], tf.gradients(y, x)

ARGS = [np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]], dtype=np.float32)]
