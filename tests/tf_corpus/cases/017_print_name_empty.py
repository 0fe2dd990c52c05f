"""PRINTS: name='' puts gradient ops at the function root."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    g = tf.gradients(x * x + x * y, [x, y], name="")
    print(g)
    return g

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)]
PRINTS = True
