"""Polynomial features x**k stacked on axis=-1 (loop over range), linear model, squared error."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w, t):
    feats = []
    for k in range(1, 4):
        feats.append(x ** float(k))
    phi = tf.stack(feats, axis=-1)
    pred = tf.reduce_sum(phi * w, axis=-1)
    loss = tf.reduce_sum(tf.square(pred - t))
    return tf.gradients(loss, [w, x])

ARGS = [np.array([0.5, -1.0, 2.0], dtype=np.float32),
        np.array([1.0, -0.5, 0.25], dtype=np.float32),
        np.array([0.0, 1.0, 2.0], dtype=np.float32)]
