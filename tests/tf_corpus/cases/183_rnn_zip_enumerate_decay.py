"""Unrolled RNN over a list of time steps via zip(inputs, targets) and enumerate for a decayed per-step loss."""
import tensorflow as tf
import numpy as np

@tf.function
def f(xs, ts, wx, wh):
    h = tf.zeros([1, 2])
    total = 0.0
    for i, (x_t, t_t) in enumerate(zip([xs[0:1], xs[1:2], xs[2:3]], [ts[0], ts[1], ts[2]])):
        h = tf.tanh(tf.matmul(x_t, wx) + tf.matmul(h, wh))
        total = total + (0.5 ** i) * tf.reduce_sum(tf.square(h - t_t))
    return tf.gradients(total, [wx, wh, xs, ts])

ARGS = [np.array([[1.0, 0.0], [0.5, -1.0], [0.0, 2.0]], dtype=np.float32),
        np.array([[0.5, -0.5], [0.0, 1.0], [1.0, 1.0]], dtype=np.float32),
        np.array([[0.4, -0.6], [0.3, 0.8]], dtype=np.float32),
        np.array([[0.5, 0.1], [-0.2, 0.7]], dtype=np.float32)]
