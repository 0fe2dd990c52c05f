"""int32 grad_ys for an int32 y that is also the x: the seed is returned as is."""
import tensorflow as tf
import numpy as np

@tf.function
def f(n, x):
    m = n * 2
    g1 = tf.gradients(m, m, grad_ys=tf.constant([5, 6, 7]))
    g2 = tf.gradients(m, n, grad_ys=tf.constant([5, 6, 7]))
    g3 = tf.gradients([m, x * x], [m, x], grad_ys=[tf.constant([1, 1, 2]), None])
    return g1, g2, g3

ARGS = [np.array([1, 2, 3], dtype=np.int32), np.array([1.5, 2.0], dtype=np.float32)]
