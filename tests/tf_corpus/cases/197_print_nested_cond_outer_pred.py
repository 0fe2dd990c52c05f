"""PRINTS: a nested cond whose predicate is computed outside both conds (a captured bool input of
the outer cond) and whose inner branches read a value computed in the outer branch."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    p = tf.reduce_sum(w) > 0.0
    def outer_true():
        h = tf.tanh(x * w)
        return tf.cond(p, lambda: h * x, lambda: h + w)
    z = tf.cond(tf.reduce_sum(x) > 0.0, outer_true, lambda: w * w)
    g = tf.gradients(tf.reduce_sum(z), [x, w])
    print(g)
    return g

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([0.5, -0.25], dtype=np.float32)]
PRINTS = True
