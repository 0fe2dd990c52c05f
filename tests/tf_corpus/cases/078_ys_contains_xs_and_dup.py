"""A y that is also an x plus other ys; duplicated xs; float64 grad_ys on the x itself."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    ys = [x * w, x, w * w]
    g1 = tf.gradients(ys, [x, w, x])
    g2 = tf.gradients(x, x, grad_ys=tf.constant([2.0, 3.0]))
    g3 = tf.gradients([x, x], [x])
    return g1, g2, g3

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)]
