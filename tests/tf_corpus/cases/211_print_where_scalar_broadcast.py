"""PRINTS: tf.where with a scalar Python branch, a scalar tensor branch and a (3,) branch against (2,3) values."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, s, row):
    a = tf.where(x > 0.0, x, 0.0)
    b = tf.where(x > 1.0, s, x * x)
    c = tf.where(x < 2.0, row, s)
    y = tf.reduce_sum(a * 2.0) + tf.reduce_sum(b) + tf.reduce_sum(c * x)
    g = tf.gradients(y, [x, s, row])
    print(g)
    return g

ARGS = [np.array([[-1.0, 0.5, 2.0], [3.0, 0.0, 1.5]], dtype=np.float32),
        np.array(4.0, dtype=np.float32),
        np.array([1.0, -2.0, 0.5], dtype=np.float32)]
PRINTS = True
