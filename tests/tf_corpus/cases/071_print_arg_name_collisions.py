"""PRINTS: arguments named like ops ('mul', 'Exp', 'gradients') push forward op names and the scope to _1."""
import tensorflow as tf
import numpy as np

@tf.function
def f(mul, Exp, gradients):
    a = mul * Exp
    b = tf.exp(a)
    g = tf.gradients(b + gradients, [mul, Exp, gradients])
    print(a, b)
    print(g)
    return g

ARGS = [np.array([1.0], dtype=np.float32), np.array([2.0], dtype=np.float32), np.array([3.0], dtype=np.float32)]
PRINTS = True
