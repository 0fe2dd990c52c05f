"""PRINTS: three conds in a Python loop capturing h, x and w; names cond_grad, cond_1_grad, cond_2_grad
and the outer AddN numbering for x and w."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    h = x
    for _ in range(3):
        h = tf.cond(tf.reduce_sum(h) > 1.0, lambda: h * w - 1.0, lambda: tf.square(h) + x)
    g = tf.gradients(tf.reduce_sum(h * w), [x, w, h])
    print(h, g)
    return g

ARGS = [np.array([1.0, 0.5], dtype=np.float32), np.array([2.0, -0.5], dtype=np.float32)]
PRINTS = True
