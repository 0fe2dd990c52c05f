"""PRINTS: a squared-difference / rsqrt normalisation chain (tf.square(a - b), tf.math.rsqrt(var + eps))."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b):
    d = tf.square(a - b)
    var = tf.reduce_mean(d, axis=1, keepdims=True)
    inv = tf.math.rsqrt(var + 1e-3)
    z = (a - b) * inv
    y = tf.reduce_sum(tf.square(z) * tf.math.rsqrt(tf.square(b) + 1.0))
    g = tf.gradients(y, [a, b])
    print(g)
    return g

ARGS = [np.array([[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]], dtype=np.float32),
        np.array([[0.0, 1.0, 1.0], [1.0, 1.0, -2.0]], dtype=np.float32)]
PRINTS = True
