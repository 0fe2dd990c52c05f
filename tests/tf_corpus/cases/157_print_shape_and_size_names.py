"""PRINTS: symbolic names of tf.shape, its slice, tf.size, tf.rank and a cast of them."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    s = tf.shape(x)
    n = s[0]
    k = tf.size(x)
    r = tf.rank(x)
    m = tf.cast(n, tf.float32)
    print(s, n, k, r, m)
    print(x.shape, x.shape[0])
    g = tf.gradients(tf.reduce_sum(x) / m, x)
    print(g)
    return g

ARGS = [np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=np.float32)]
PRINTS = True
