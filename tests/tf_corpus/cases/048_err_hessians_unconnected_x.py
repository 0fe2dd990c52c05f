"""tf.hessians with an x that does not reach y -> ValueError."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, z):
    return tf.hessians(tf.reduce_sum(x * x * x), [x, z])

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
