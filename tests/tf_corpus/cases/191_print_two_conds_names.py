"""PRINTS: two conds on the same inputs, one named: gradients/cond_grad and gradients/gate_grad,
summed by an AddN outside both."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    p = tf.reduce_sum(x) > 0.0
    u = tf.cond(p, lambda: x * y, lambda: y - x)
    v = tf.cond(tf.logical_not(p), lambda: tf.exp(x), lambda: tf.tanh(y) * x, name="gate")
    g = tf.gradients(u * v, [x, y])
    print(u, v, g)
    return g

ARGS = [np.array([0.5, 1.0], dtype=np.float32), np.array([-1.0, 2.0], dtype=np.float32)]
PRINTS = True
