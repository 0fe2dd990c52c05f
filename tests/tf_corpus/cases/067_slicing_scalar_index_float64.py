"""Scalar indexing chains x[1][2], x[-1, -1] and an out-of-order negative slice in float64."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = x[1][2]
    b = x[-1, -1]
    c = x[:, -1:0:-1]
    return tf.gradients([a * b, tf.reduce_sum(c * c)], x)

ARGS = [np.arange(12, dtype=np.float64).reshape(3, 4)]
