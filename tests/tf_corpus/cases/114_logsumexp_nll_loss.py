"""Negative log-likelihood via logits - reduce_logsumexp(keepdims) with one-hot labels; grads of logits and W."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w, onehot):
    logits = tf.matmul(x, w)
    logp = logits - tf.math.reduce_logsumexp(logits, axis=1, keepdims=True)
    nll = -tf.reduce_mean(tf.reduce_sum(onehot * logp, axis=1))
    return tf.gradients(nll, [w, logits])

ARGS = [np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 3.0]], dtype=np.float32),
        np.array([[0.2, -0.3, 0.1], [0.4, 0.0, -0.5]], dtype=np.float32),
        np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]], dtype=np.float32)]
