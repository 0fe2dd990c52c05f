"""PRINTS: gate_gradients=True on where, maximum and pow."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    w = tf.where(x > y, x, y)
    m = tf.maximum(x, y)
    p = tf.pow(x, y)
    g = tf.gradients([w, m, p], [x, y], gate_gradients=True)
    print(g)
    return g

ARGS = [np.array([1.0, 2.0, 3.0], dtype=np.float32), np.array([2.0, 2.0, 1.0], dtype=np.float32)]
PRINTS = True
