"""PRINTS: tile with rank-2 multiples and broadcast_to from (3,) and (2,1) to (2,3), combined in one loss."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, v, col):
    t = tf.tile(x, [2, 3])
    bv = tf.broadcast_to(v, [2, 3])
    bc = tf.broadcast_to(col, [2, 3])
    w = tf.reshape(tf.range(24.0), [4, 6])
    y = tf.reduce_sum(t * w) + tf.reduce_sum(bv * bc * bv)
    g = tf.gradients(y, [x, v, col])
    print(g)
    return g

ARGS = [np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32),
        np.array([0.5, -1.0, 2.0], dtype=np.float32),
        np.array([[2.0], [-3.0]], dtype=np.float32)]
PRINTS = True
