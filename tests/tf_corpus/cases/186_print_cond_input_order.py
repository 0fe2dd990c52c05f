"""PRINTS: cond input order (true branch's captures, then the false branch's new ones); Identity
numbering skips inputs without a gradient (stop_gradient in both branches, an int input)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y, w, v, n):
    def true_fn():
        return tf.stop_gradient(w) * x * tf.cast(n, tf.float32) + v
    def false_fn():
        return y * x + tf.stop_gradient(w)
    z = tf.cond(tf.reduce_sum(x) > 0.0, true_fn, false_fn)
    g = tf.gradients(z, [x, y, w, v, n])
    print(g)
    return g

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32),
        np.array([5.0, 6.0], dtype=np.float32), np.array([0.5, -0.5], dtype=np.float32),
        np.array(3, dtype=np.int32)]
PRINTS = True
