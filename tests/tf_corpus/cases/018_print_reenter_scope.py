"""PRINTS: a name ending in '/' re-enters the same scope, so op names continue (_1)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    g1 = tf.gradients(tf.exp(x), x, name="g/")
    g2 = tf.gradients(tf.exp(x), x, name="g/")
    g3 = tf.gradients(tf.exp(x), x, name="g")
    print(g1, g2, g3)
    return g1, g2, g3

ARGS = [np.array([0.5, -0.5], dtype=np.float32)]
PRINTS = True
