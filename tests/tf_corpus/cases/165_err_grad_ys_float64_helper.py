"""A float64 seed built by a helper for a float32 loss vector -> TypeError when the first gradient op is built."""
import tensorflow as tf
import numpy as np

def seed_like(y):
    return tf.ones(y.shape, dtype=tf.float64)

@tf.function
def f(x, w):
    y = x * w
    return tf.gradients(y, [x, w], grad_ys=seed_like(y))

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)]
EXPECT_ERROR = "TypeError"
