"""PRINTS: stack of three inputs (axis 1) then unstack into three rows that are used unevenly."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b, c):
    s = tf.stack([a, b, c], axis=1)
    r0, r1, r2 = tf.unstack(s * s, axis=0)
    y = r0 * 2.0 + tf.sin(r2)
    g = tf.gradients(y, [a, b, c])
    gs = tf.gradients(y, s)
    print(g, gs)
    return g, gs

ARGS = [np.array([1.0, 2.0, 3.0], dtype=np.float32),
        np.array([-1.0, 0.5, 0.0], dtype=np.float32),
        np.array([0.25, -2.0, 1.0], dtype=np.float32)]
PRINTS = True
