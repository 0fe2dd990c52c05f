"""PRINTS: names of tf.hessians results for two xs and of a later gradients call."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    z = tf.reduce_sum(x * x * y) + tf.reduce_sum(y * y * y)
    h = tf.hessians(z, [x, y])
    g = tf.gradients(z, [x, y], name="after")
    print(h)
    print(g)
    return h, g

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, -1.0], dtype=np.float32)]
PRINTS = True
