"""tf.hessians of x*w summed wrt [x, w]: each diagonal block has no path -> ValueError."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    return tf.hessians(tf.reduce_sum(x * w), [x, w])

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
