"""PRINTS: tf.cond inside a Python loop using x in both branches; names of the cond output and the AddN gradient."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    h = x
    for _ in range(2):
        h = tf.cond(tf.reduce_sum(h) > 0.0, lambda: h * x, lambda: h + x)
    g = tf.gradients(tf.reduce_sum(h), x)
    print(h, g)
    return g

ARGS = [np.array([1.0, -2.0, 0.5], dtype=np.float32)]
PRINTS = True
