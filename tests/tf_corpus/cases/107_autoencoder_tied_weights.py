"""Autoencoder with tied weights: decode with matmul(transpose_b=True); MSE reconstruction loss."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w, b, c):
    code = tf.nn.sigmoid(tf.matmul(x, w) + b)
    recon = tf.matmul(code, w, transpose_b=True) + c
    loss = tf.reduce_mean(tf.square(recon - x))
    return tf.gradients(loss, [w, b, c, x])

_rs = np.random.RandomState(5)
ARGS = [_rs.randn(3, 4).astype(np.float32),
        (0.4 * _rs.randn(4, 2)).astype(np.float32),
        np.array([0.1, -0.1], dtype=np.float32),
        np.zeros(4, dtype=np.float32)]
