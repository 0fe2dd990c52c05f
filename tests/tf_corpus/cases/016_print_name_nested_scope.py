"""PRINTS: name='a/b' nests the gradient ops; a second 'a/b' call gets 'a/b_1'."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    g1 = tf.gradients(x * y, [x, y], name="a/b")
    g2 = tf.gradients(tf.sin(x), x, name="a/b")
    print(g1)
    print(g2)
    return g1, g2

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)]
PRINTS = True
