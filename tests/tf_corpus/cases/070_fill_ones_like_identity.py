"""tf.fill with a tensor value, ones_like/zeros_like (no path), identity chains."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, v):
    a = tf.fill([2, 3], v * v)
    b = tf.identity(tf.identity(x)) * tf.ones_like(x) + tf.zeros_like(x)
    return tf.gradients(tf.reduce_sum(a) + tf.reduce_sum(b * b), [x, v])

ARGS = [np.array([[1.0, 2.0, 3.0]], dtype=np.float32), np.array(1.5, dtype=np.float32)]
