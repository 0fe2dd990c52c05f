"""reduce_sum / reduce_mean with axis=[] (no reduction) and keepdims on a rank-3 tensor over all axes."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.reduce_sum(x * x, axis=[])
    b = tf.reduce_mean(x, axis=None, keepdims=True)
    c = tf.reduce_max(x, axis=[])
    return tf.gradients([a, b * x, c], x)

ARGS = [np.arange(8, dtype=np.float32).reshape(2, 2, 2) - 3.0]
