"""reduce_sum over (0, 2) with keepdims, then broadcast back against the input."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    s = tf.reduce_sum(x, axis=[0, 2], keepdims=True)
    y = x * s
    return tf.gradients(y, x)

ARGS = [np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10.0]
