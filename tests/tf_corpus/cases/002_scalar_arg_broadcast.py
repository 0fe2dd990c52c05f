"""A rank-0 argument broadcast against a matrix gets the sum of the incoming gradient."""
import tensorflow as tf
import numpy as np

@tf.function
def f(s, m):
    y = (m - s) / (s + 2.0)
    return tf.gradients(y, [s, m])

ARGS = [np.array(1.5, dtype=np.float32), np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=np.float32)]
