"""PRINTS: a tuple cond with only its first output used, unconnected_gradients='zero' for an
unrelated input and a constant-only false branch output."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y, q):
    a, b = tf.cond(tf.reduce_sum(x) > 0.0, lambda: (x * y, tf.sin(y)), lambda: (tf.constant([0.0, 0.0]), y))
    g = tf.gradients(a, [x, y, q], unconnected_gradients="zero")
    print(g)
    return g

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, -1.0], dtype=np.float32),
        np.array([0.5, 0.5], dtype=np.float32)]
PRINTS = True
