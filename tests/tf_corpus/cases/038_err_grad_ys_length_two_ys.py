"""Length mismatch: one grad_ys for two ys -> ValueError."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    return tf.gradients([x * 2.0, x * 3.0], x, grad_ys=[tf.ones([2])])

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
