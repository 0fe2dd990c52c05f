"""Third derivative of a scalar tanh model wrt its input, calling tf.gradients three times in a loop."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    y = tf.reduce_sum(tf.tanh(w * x) * w)
    out = []
    g = y
    for _ in range(3):
        g = tf.gradients(g, x)[0]
        out.append(g)
        g = tf.reduce_sum(g)
    return out

ARGS = [np.array([0.5, -1.0, 0.0], dtype=np.float32), np.array([1.5, 0.5, 2.0], dtype=np.float32)]
