"""Indexing with a scalar int32 tensor (x[tf.constant(1)]) and a tensor computed from tf.shape."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    i = tf.constant(1)
    last = tf.shape(x)[0] - 1
    return tf.gradients([x[i] * 2.0, x[last] ** 2], x)

ARGS = [np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=np.float32)]
