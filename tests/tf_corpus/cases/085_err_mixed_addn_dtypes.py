"""Two ys with float32 and float64 grad_ys meeting in one AddN -> TypeError."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    return tf.gradients([x, x], x, grad_ys=[tf.constant([1.0]), tf.constant([1.0], dtype=tf.float64)])

ARGS = [np.array([1.0], dtype=np.float32)]
EXPECT_ERROR = "TypeError"
