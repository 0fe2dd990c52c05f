"""PRINTS: x used several times inside each branch (summed inside TF's If gradient, no outer
AddN) and twice outside (one outer AddN, numbered from 0)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    z = tf.cond(tf.reduce_sum(y) < 0.0, lambda: x * x * x + y * x, lambda: tf.exp(x) * x - y * y)
    s = z * x + tf.sin(x)
    g = tf.gradients(s, [x, y])
    print(z, g)
    return g

ARGS = [np.array([0.3, -0.7], dtype=np.float32), np.array([-1.0, 0.25], dtype=np.float32)]
PRINTS = True
