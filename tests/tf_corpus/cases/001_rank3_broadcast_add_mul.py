"""Rank-3 broadcasting: (2,1,3) * (1,4,1) + (3,) reduces each operand's gradient back to its own shape."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b, c):
    y = a * b + c
    return tf.gradients(tf.reduce_sum(y * y), [a, b, c])

ARGS = [np.arange(6, dtype=np.float32).reshape(2, 1, 3) / 5.0,
        np.array([[[1.0], [-2.0], [0.5], [3.0]]], dtype=np.float32),
        np.array([0.1, -0.2, 0.3], dtype=np.float32)]
