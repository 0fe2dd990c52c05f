"""Deterministic dropout: an int32 keep-mask argument cast to float, scaled by 1/keep_prob; int arg gets None."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w, keep):
    h = tf.nn.relu(tf.matmul(x, w))
    h = h * tf.cast(keep, tf.float32) / 0.5
    loss = tf.reduce_sum(h * h)
    return tf.gradients(loss, [x, w, keep])

ARGS = [np.array([[1.0, 2.0], [-1.0, 0.5]], dtype=np.float32),
        np.array([[0.5, -1.0, 1.0], [0.25, 0.5, -0.5]], dtype=np.float32),
        np.array([[1, 0, 1], [1, 1, 0]], dtype=np.int32)]
