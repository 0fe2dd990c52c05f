"""PRINTS: concat of three (and four, one repeated) inputs along axes 1 and 0: concat_grad/Slice, Slice_1, Slice_2 names."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b, c):
    h = tf.concat([a, b, c], axis=1)
    v = tf.concat([a, c, b, a], axis=0)
    w = tf.reshape(tf.range(12.0), [2, 6])
    y = tf.reduce_sum(h * w) + tf.reduce_sum(v * v)
    g = tf.gradients(y, [a, b, c])
    print(g)
    return g

ARGS = [np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32),
        np.array([[-1.0, 0.5], [2.0, -3.0]], dtype=np.float32),
        np.array([[0.0, 1.5], [-2.5, 1.0]], dtype=np.float32)]
PRINTS = True
