"""Python for-loop with enumerate/zip over lists of layers, built by a helper; gradients for all params."""
import tensorflow as tf
import numpy as np

def dense(h, w, b, act):
    return act(tf.matmul(h, w) + b)

@tf.function
def f(x, w1, b1, w2, b2):
    ws = [w1, w2]
    bs = [b1, b2]
    acts = [tf.tanh, tf.nn.sigmoid]
    h = x
    for i, (w, b) in enumerate(zip(ws, bs)):
        h = dense(h, w, b, acts[i])
    loss = tf.reduce_mean(tf.square(h - 0.5))
    return tf.gradients(loss, ws + bs)

ARGS = [np.array([[1.0, 0.0], [0.5, -1.0], [0.0, 2.0]], dtype=np.float32),
        np.array([[0.3, -0.2, 0.1], [0.5, 0.4, -0.6]], dtype=np.float32),
        np.array([0.0, 0.1, -0.1], dtype=np.float32),
        np.array([[1.0], [-1.0], [0.5]], dtype=np.float32),
        np.array([0.2], dtype=np.float32)]
