"""PRINTS: scope names are made unique case-insensitively: gradients, Gradients_1, gradients_2, GRADIENTS_3."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    y = tf.square(x)
    g1 = tf.gradients(y, x)
    g2 = tf.gradients(y, x, name="Gradients")
    g3 = tf.gradients(y, x)
    g4 = tf.gradients(y, x, name="GRADIENTS")
    print(g1, g2, g3, g4)
    return [g1, g2, g3, g4]

ARGS = [np.array([1.0, 3.0], dtype=np.float32)]
PRINTS = True
