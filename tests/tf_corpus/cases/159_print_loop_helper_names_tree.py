"""PRINTS: a helper called in a loop (add, add_1, ... names) with EXPERIMENTAL_TREE aggregation of x's uses."""
import tensorflow as tf
import numpy as np

def bump(h, x):
    return h + x * x

@tf.function
def f(x):
    h = x
    for _ in range(3):
        h = bump(h, x)
    print(h)
    g = tf.gradients(h, x, aggregation_method=tf.AggregationMethod.EXPERIMENTAL_TREE)
    print(g)
    return g

ARGS = [np.array([1.0, -2.0], dtype=np.float32)]
PRINTS = True
