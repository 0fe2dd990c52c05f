"""PRINTS: name='x' collides with the argument placeholder 'x', so the scope becomes 'x_1'."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    g = tf.gradients(tf.exp(x), [x], name="x")
    print(g)
    return g

ARGS = [np.array([0.0, 1.0], dtype=np.float32)]
PRINTS = True
