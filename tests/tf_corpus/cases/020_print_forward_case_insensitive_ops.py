"""PRINTS: forward op names unique case-insensitively (mul, Mul_1, add, Add_1) and gradient names follow them."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    a = x * y
    b = tf.multiply(a, y)
    c = a + b
    d = tf.add(c, x)
    print(a, b, c, d)
    g = tf.gradients(d, [x, y])
    print(g)
    return g

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)]
PRINTS = True
