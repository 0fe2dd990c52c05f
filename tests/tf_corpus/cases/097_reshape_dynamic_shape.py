"""reshape to tf.shape of another tensor, and a range-based weight (no gradient to the shape)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    r = tf.reshape(x, tf.shape(y))
    w = tf.range(0.0, 3.0, 0.5)
    z = tf.reshape(r * y, [-1]) * w
    return tf.gradients(tf.reduce_sum(z), [x, y])

ARGS = [np.arange(6, dtype=np.float32), np.arange(6, dtype=np.float32).reshape(3, 2) - 2.0]
