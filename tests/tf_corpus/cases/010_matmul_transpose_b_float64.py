"""float64 matmul with transpose_b, second-order wrt the same operand."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    y = tf.tanh(tf.matmul(x, w, transpose_b=True))
    g = tf.gradients(tf.reduce_sum(y), w)[0]
    return [g, tf.gradients(tf.reduce_sum(g * w), [x, w])]

ARGS = [np.array([[0.3, -0.2], [0.1, 0.4], [1.0, 0.0]], dtype=np.float64),
        np.array([[0.5, -1.0], [0.2, 0.7]], dtype=np.float64)]
