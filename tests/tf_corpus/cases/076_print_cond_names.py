"""PRINTS: cond gradient names for two inputs, one only used in the untaken branch."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    z = tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.sin(x), lambda: x * y)
    g = tf.gradients(z, [x, y])
    print(g)
    return g

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)]
PRINTS = True
