"""PRINTS: a helper called three times names its ops mul, mul_1, MatMul_2, ...; gradient op names follow."""
import tensorflow as tf
import numpy as np

def layer(h, w):
    z = tf.matmul(h, w)
    return z * 2.0

@tf.function
def f(x, w):
    a = layer(x, w)
    b = layer(a, w)
    c = layer(b, w)
    print(a, b, c)
    g = tf.gradients(tf.reduce_sum(c), [x, w])
    print(g)
    return g

ARGS = [np.array([[1.0, 0.5]], dtype=np.float32), np.array([[0.5, -1.0], [1.0, 0.25]], dtype=np.float32)]
PRINTS = True
