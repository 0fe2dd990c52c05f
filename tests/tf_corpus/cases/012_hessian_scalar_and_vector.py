"""tf.hessians with a scalar x and a vector x in one call (float64)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(s, v):
    y = s * s * s * tf.reduce_sum(v * v) + tf.reduce_sum(tf.math.log1p(v * v)) + s * s
    return tf.hessians(y, [s, v])

ARGS = [np.array(0.7, dtype=np.float64), np.array([1.0, -0.5, 2.0], dtype=np.float64)]
