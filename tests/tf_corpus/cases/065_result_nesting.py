"""Return structure: a tuple holding a list with None, a nested tuple, a single tensor and None."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, z):
    g = tf.gradients(x * x, [x, z])
    h = tf.gradients(tf.exp(x), (x,))
    return (g, (h[0], (None, g[0])), [h], None, x * 1.0)

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([0.0], dtype=np.float32)]
