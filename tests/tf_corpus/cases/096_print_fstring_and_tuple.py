"""PRINTS: f-string (str) and tuple (repr) printing of gradients from a helper called twice."""
import tensorflow as tf
import numpy as np

def grad_of(y, x):
    g = tf.gradients(y, x)
    print(f"grad: {g[0]}")
    return g[0]

@tf.function
def f(x):
    g1 = grad_of(tf.reduce_sum(x * x), x)
    g2 = grad_of(tf.reduce_sum(g1 * tf.sin(x)), x)
    print((g1, g2))
    return g1, g2

ARGS = [np.array([[0.5, 1.0], [1.5, -2.0]], dtype=np.float32)]
PRINTS = True
