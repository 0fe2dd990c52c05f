"""Scalar grad_ys for y = x + 1.0 -> ValueError (invalid reduction dimension)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    return tf.gradients(x + 1.0, x, grad_ys=2.0)

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
