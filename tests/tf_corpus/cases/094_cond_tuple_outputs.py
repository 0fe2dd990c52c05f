"""tf.cond returning a tuple of two tensors; gradient of a combination of both outputs."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    a, b = tf.cond(tf.reduce_max(x) > 2.0, lambda: (x * y, y), lambda: (x, x * y))
    return tf.gradients(a * 2.0 + b * b, [x, y])

ARGS = [np.array([1.0, 3.0], dtype=np.float32), np.array([2.0, -1.0], dtype=np.float32)]
