"""Helper taking a Python bool flag and an activation string; both branches exercised in one function."""
import tensorflow as tf
import numpy as np

def layer(h, w, activation="relu", residual=False):
    z = tf.matmul(h, w)
    if activation == "relu":
        z = tf.nn.relu(z)
    elif activation == "tanh":
        z = tf.tanh(z)
    if residual:
        z = z + h
    return z

@tf.function
def f(x, w1, w2):
    h = layer(x, w1, residual=True)
    out = layer(h, w2, activation="tanh")
    return tf.gradients(tf.reduce_sum(out), [x, w1, w2])

ARGS = [np.array([[1.0, -0.5]], dtype=np.float32),
        np.array([[0.5, -1.0], [0.25, 0.75]], dtype=np.float32),
        np.array([[1.0], [-2.0]], dtype=np.float32)]
