"""grad_ys (3,2) for y = exp(x) with x (2,): incompatible gradient shape -> ValueError."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    return tf.gradients(tf.exp(x), x, grad_ys=tf.ones([3, 2]))

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
