"""int32 arithmetic on the side (shape math, cast back) combined with float64 values."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, k):
    n = tf.shape(x)[0] * k
    scale = tf.cast(n, tf.float64)
    y = tf.reduce_sum(x * x) * scale
    return tf.gradients(y, [x, k]), tf.gradients(tf.cast(n, tf.float64) * y, [x, scale])

ARGS = [np.array([1.0, 2.0, 3.0], dtype=np.float64), np.array(2, dtype=np.int32)]
