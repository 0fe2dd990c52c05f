"""Slicing combos: x[::-2], x[..., ::-1], x[1:, ..., 0], x[-1, :, 1::2], x[::-1, 0, :]."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = x[::-2]
    b = x[..., ::-1]
    c = x[1:, ..., 0]
    d = x[-1, :, 1::2]
    e = x[::-1, 0, :]
    ys = [tf.reduce_sum(a * a), tf.reduce_sum(b * tf.range(4.0)), tf.reduce_sum(c) * 3.0,
          tf.reduce_sum(tf.exp(d)), tf.reduce_sum(e * e * e)]
    return tf.gradients(ys, x)

ARGS = [np.arange(36, dtype=np.float32).reshape(3, 3, 4) / 10.0]
