"""reduce_max with -inf and inf entries and a NaN row; reduce_min with a single column."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    return tf.gradients(tf.reduce_max(x, axis=1), x), tf.gradients(tf.reduce_min(x[:, :1]), x)

ARGS = [np.array([[-np.inf, 1.0, 1.0], [np.inf, 0.0, np.inf], [np.nan, 2.0, 3.0]], dtype=np.float32)]
