"""stop_gradients on two intermediates at once, plus one listed x."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    h1 = x * w
    h2 = tf.exp(h1)
    y = h2 + h1 * x + w * w
    g1 = tf.gradients(y, [x, w], stop_gradients=[h1, h2])
    g2 = tf.gradients(y, [x, w, h1], stop_gradients=[h2])
    g3 = tf.gradients(y, [x, w], stop_gradients=(w,))
    return g1, g2, g3

ARGS = [np.array([0.5, -1.0], dtype=np.float32), np.array([2.0, 0.25], dtype=np.float32)]
