"""unconnected_gradients='zero' across xs of mixed dtypes (float32, float64, int32, int64, bool arguments)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, d, i, j, m):
    y = tf.reduce_sum(x * tf.cast(i, tf.float32)) + tf.reduce_sum(tf.cast(m, tf.float32))
    return tf.gradients(y, [x, d, i, j, m], unconnected_gradients="zero")

ARGS = [np.array([1.0, 2.0], dtype=np.float32),
        np.array([[1.0, 2.0, 3.0]], dtype=np.float64),
        np.array([3, -1], dtype=np.int32),
        np.array([5], dtype=np.int64),
        np.array([True, False, True])]
