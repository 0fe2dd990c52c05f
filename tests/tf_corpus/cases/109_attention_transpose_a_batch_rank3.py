"""Batched (rank-3) attention with tf.transpose perm and matmul(transpose_a=True) in the output projection."""
import tensorflow as tf
import numpy as np

@tf.function
def f(q, k, v, wo):
    kt = tf.transpose(k, perm=[0, 2, 1])
    att = tf.nn.softmax(tf.matmul(q, kt), axis=2)
    ctx = tf.matmul(att, v)
    out = tf.matmul(tf.reshape(ctx, [-1, 2]), wo, transpose_a=False)
    mix = tf.matmul(out, out, transpose_a=True)
    return tf.gradients(tf.reduce_sum(mix), [q, k, v, wo])

_rs = np.random.RandomState(9)
ARGS = [_rs.randn(2, 3, 2).astype(np.float32),
        _rs.randn(2, 3, 2).astype(np.float32),
        _rs.randn(2, 3, 2).astype(np.float32),
        (0.5 * _rs.randn(2, 2)).astype(np.float32)]
