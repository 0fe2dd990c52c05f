"""float64 attention scores, then the gradient of the squared input-gradient (second order through softmax)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, wq):
    q = tf.matmul(x, wq)
    att = tf.nn.softmax(tf.matmul(q, x, transpose_b=True))
    out = tf.reduce_sum(tf.matmul(att, x) ** 2)
    gx = tf.gradients(out, x)[0]
    return tf.gradients(tf.reduce_sum(gx * gx), [x, wq])

ARGS = [np.array([[0.5, -1.0], [1.0, 0.25], [0.0, 0.5]], dtype=np.float64),
        np.array([[0.3, -0.2], [0.1, 0.4]], dtype=np.float64)]
