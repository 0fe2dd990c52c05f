"""PRINTS: names of a third-order derivative chain through tanh (gradients, gradients_1, gradients_2)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    y = tf.tanh(x)
    g1 = tf.gradients(y, x)[0]
    g2 = tf.gradients(g1, x)[0]
    g3 = tf.gradients(g2, x)[0]
    print(g1, g2, g3)
    return [g1, g2, g3]

ARGS = [np.array([0.0, 0.5, -1.0], dtype=np.float32)]
PRINTS = True
