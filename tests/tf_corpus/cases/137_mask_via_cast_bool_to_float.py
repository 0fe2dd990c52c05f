"""Masks built with comparisons cast to float32 and int32; masked mean loss."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, t):
    mask = tf.cast(t >= 0.0, tf.float32)
    count = tf.reduce_sum(tf.cast(t >= 0.0, tf.int32))
    err = tf.square(x - t) * mask
    loss = tf.reduce_sum(err) / tf.cast(count, tf.float32)
    return loss, count, tf.gradients(loss, [x, t, mask])

ARGS = [np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32), np.array([0.5, -1.0, 2.0, 0.0], dtype=np.float32)]
