"""PRINTS: four contributions to x under ADD_N give one 'gradients/AddN:0'; a second aggregation point is AddN_1."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    h = x * w
    y = tf.sin(x) + tf.cos(x) + tf.exp(x) + h * h
    g = tf.gradients(y, [x, w])
    print(g)
    return g

ARGS = [np.array([0.5, 1.0], dtype=np.float32), np.array([2.0, -1.0], dtype=np.float32)]
PRINTS = True
