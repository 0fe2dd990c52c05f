"""PRINTS: EXPERIMENTAL_TREE with 3 terms into x and 2 into w."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    y = x * w + x * x + w * w
    g = tf.gradients(y, [x, w], aggregation_method=1)
    print(g)
    return g

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, -1.0], dtype=np.float32)]
PRINTS = True
