"""grad_ys of the wrong shape for a matmul output -> ValueError."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b):
    y = tf.matmul(a, b)
    return tf.gradients(y, [a, b], grad_ys=tf.ones([3, 3]))

ARGS = [np.ones((2, 3), dtype=np.float32), np.ones((3, 2), dtype=np.float32)]
EXPECT_ERROR = "ValueError"
