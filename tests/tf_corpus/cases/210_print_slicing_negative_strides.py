"""PRINTS: gather-free slicing with negative strides (x[::-2], x[2:0:-1, ::-1], x[-1, ::-2]) summed into one loss."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, v):
    a = v[::-2]
    b = x[2:0:-1, ::-1]
    c = x[-1, ::-2]
    d = v[-2::-1]
    y = tf.reduce_sum(a * a) + tf.reduce_sum(b * 3.0) + tf.reduce_sum(tf.exp(c)) + tf.reduce_sum(d * v[:4])
    g = tf.gradients(y, [x, v])
    print(g)
    return g

ARGS = [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], dtype=np.float32) / 4.0,
        np.array([1.0, -2.0, 3.0, -4.0, 5.0], dtype=np.float32)]
PRINTS = True
