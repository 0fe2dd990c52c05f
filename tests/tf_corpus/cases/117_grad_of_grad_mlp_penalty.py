"""Gradient penalty: d/dx of ||d loss / dx||^2 and d/dw of it through a tanh MLP (grad of grad)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w1, w2):
    h = tf.tanh(tf.matmul(x, w1))
    out = tf.reduce_sum(tf.matmul(h, w2))
    gx = tf.gradients(out, x)[0]
    penalty = tf.reduce_sum(tf.square(gx))
    return gx, tf.gradients(penalty, [x, w1, w2])

ARGS = [np.array([[0.5, -1.0], [1.0, 0.25]], dtype=np.float32),
        np.array([[0.3, -0.6, 0.2], [0.8, 0.1, -0.4]], dtype=np.float32),
        np.array([[1.0], [-0.5], [0.7]], dtype=np.float32)]
