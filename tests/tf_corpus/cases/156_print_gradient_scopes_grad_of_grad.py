"""PRINTS: second-order through a helper: gradients, gradients_1, a custom 'hvp' scope, and 'hvp_1'."""
import tensorflow as tf
import numpy as np

def hvp(loss, x, v):
    g = tf.gradients(loss, x)[0]
    return tf.gradients(tf.reduce_sum(g * v), x, name="hvp")[0]

@tf.function
def f(x, v):
    loss = tf.reduce_sum(tf.sin(x) * x)
    a = hvp(loss, x, v)
    b = hvp(loss, x, a)
    print(a)
    print(b)
    return a, b

ARGS = [np.array([0.5, -1.0], dtype=np.float32), np.array([1.0, 2.0], dtype=np.float32)]
PRINTS = True
