"""Paths through int32 casts and comparisons give None; a float path alongside still counts."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    i = tf.cast(x * 2.0, tf.int32)
    back = tf.cast(i, tf.float32)
    mask = tf.cast(x > 1.0, tf.float32)
    y = back * x + mask
    return tf.gradients(y, x), tf.gradients(back + mask, x), tf.gradients(back, x, unconnected_gradients="zero")

ARGS = [np.array([0.4, 1.6, 2.2], dtype=np.float32)]
