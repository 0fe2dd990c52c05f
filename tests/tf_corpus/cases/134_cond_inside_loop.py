"""tf.cond inside a Python loop: each step picks a branch from the data; gradient through all steps."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    h = x
    for _ in range(3):
        h = tf.cond(tf.reduce_sum(h) > 0.0, lambda: h * w - 1.0, lambda: tf.square(h) + w)
    return tf.gradients(tf.reduce_sum(h), [x, w])

ARGS = [np.array([1.0, 0.5], dtype=np.float32), np.array([2.0, -0.5], dtype=np.float32)]
