"""tf.cond branches returning float32 and float64 -> TypeError."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    z = tf.cond(tf.reduce_sum(x) > 0.0, lambda: x, lambda: tf.cast(x, tf.float64))
    return tf.gradients(z, x)

ARGS = [np.array([1.0, 1.0], dtype=np.float32)]
EXPECT_ERROR = "TypeError"
