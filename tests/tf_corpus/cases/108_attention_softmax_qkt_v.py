"""Single-head attention softmax(Q K^T / sqrt(d)) V with transpose_b; gradients for Wq, Wk, Wv and x."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, wq, wk, wv):
    q = tf.matmul(x, wq)
    k = tf.matmul(x, wk)
    v = tf.matmul(x, wv)
    scores = tf.matmul(q, k, transpose_b=True) / tf.sqrt(2.0)
    attn = tf.nn.softmax(scores, axis=-1)
    out = tf.matmul(attn, v)
    loss = tf.reduce_sum(out * out)
    return tf.gradients(loss, [wq, wk, wv, x])

_rs = np.random.RandomState(7)
ARGS = [_rs.randn(3, 4).astype(np.float32),
        (0.5 * _rs.randn(4, 2)).astype(np.float32),
        (0.5 * _rs.randn(4, 2)).astype(np.float32),
        (0.5 * _rs.randn(4, 3)).astype(np.float32)]
