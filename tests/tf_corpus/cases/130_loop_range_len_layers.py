"""Python loop over range(len(ws)) with indexing into lists of parameters; last layer linear."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w0, w1, w2):
    ws = [w0, w1, w2]
    h = x
    for i in range(len(ws)):
        h = tf.matmul(h, ws[i])
        if i < len(ws) - 1:
            h = tf.nn.relu(h)
    return tf.gradients(tf.reduce_sum(tf.square(h)), ws)

ARGS = [np.array([[1.0, 2.0], [-1.0, 0.5]], dtype=np.float32),
        np.array([[0.5, -0.5, 0.2], [0.3, 0.1, -0.4]], dtype=np.float32),
        np.array([[1.0, 0.0], [0.5, -0.5], [0.2, 0.8]], dtype=np.float32),
        np.array([[0.7], [-1.1]], dtype=np.float32)]
