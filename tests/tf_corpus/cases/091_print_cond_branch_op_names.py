"""PRINTS: ops traced inside cond branches are named 'cond/<op>'; the cond's output is 'cond/Identity'."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    def true_fn():
        s = tf.sin(x)
        print("true branch", s)
        return s

    def false_fn():
        c = tf.cos(x)
        print("false branch", c)
        return c

    z = tf.cond(tf.reduce_sum(x) > 0.0, true_fn, false_fn)
    s2 = tf.sin(x)
    print("after", z, s2)
    g = tf.gradients(z + s2, x)
    print(g)
    return g

ARGS = [np.array([1.0, 1.0], dtype=np.float32)]
PRINTS = True
