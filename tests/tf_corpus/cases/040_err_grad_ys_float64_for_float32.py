"""float64 grad_ys for a float32 y reaching a Sin gradient -> TypeError."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    y = tf.sin(x) * x
    return tf.gradients(y, x, grad_ys=tf.constant([1.0, 1.0], dtype=tf.float64))

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
EXPECT_ERROR = "TypeError"
