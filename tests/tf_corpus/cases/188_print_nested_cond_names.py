"""PRINTS: nested tf.cond: only the outer cond's gradient names are visible (inner ones live in
TF's branch functions); x used by both levels and outside."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w, b):
    def outer_true():
        inner = tf.cond(w[0] > 0.0, lambda: x * x * w, lambda: tf.exp(x) + b)
        return inner * x
    z = tf.cond(tf.reduce_sum(x) > 0.0, outer_true, lambda: x * 3.0 + b)
    g = tf.gradients(tf.reduce_sum(z) + tf.reduce_sum(x * b), [x, w, b])
    print(z, g)
    return g

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([0.5, 0.25], dtype=np.float32),
        np.array([0.1, 0.2], dtype=np.float32)]
PRINTS = True
