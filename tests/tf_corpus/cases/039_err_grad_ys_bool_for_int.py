"""bool grad_ys for an int32 y -> TypeError."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    n = tf.cast(x, tf.int32) * 3
    return tf.gradients(n, x, grad_ys=tf.constant([True, False]))

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
EXPECT_ERROR = "TypeError"
