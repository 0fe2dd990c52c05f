"""Huber loss via tf.where on |err| <= delta; gradient wrt predictions and weights."""
import tensorflow as tf
import numpy as np

def huber(err, delta):
    a = tf.abs(err)
    return tf.where(a <= delta, 0.5 * tf.square(err), delta * (a - 0.5 * delta))

@tf.function
def f(x, w, t):
    pred = tf.reduce_sum(x * w, axis=1)
    loss = tf.reduce_mean(huber(pred - t, 1.0))
    return tf.gradients(loss, [w, pred])

ARGS = [np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 1.0], [0.0, 0.2]], dtype=np.float32),
        np.array([0.5, -0.25], dtype=np.float32),
        np.array([0.0, 2.0, -1.0, 0.05], dtype=np.float32)]
