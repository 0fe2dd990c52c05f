"""tf.tile with multiples containing ones (no-op axes) and a Python list built from x.shape."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, v):
    a = tf.tile(x, [1, 1])
    b = tf.tile(x, [1, 3])
    c = tf.tile(tf.expand_dims(v, 0), [x.shape[0], 1])
    y = tf.reduce_sum(a * a) + tf.reduce_sum(b * tf.range(6.0)) + tf.reduce_sum(c * x)
    return tf.gradients(y, [x, v])

ARGS = [np.array([[1.0, 2.0], [3.0, -1.0]], dtype=np.float32), np.array([0.5, -0.5], dtype=np.float32)]
