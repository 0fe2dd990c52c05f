"""PRINTS: a cond returning a tuple: both outputs used, then only the first (TF fills the other
output's gradient with zeros before the If gradient)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    a, b = tf.cond(tf.reduce_max(x) > 2.0, lambda: (x * y, tf.sin(y)), lambda: (x, x * y))
    g = tf.gradients(a * 2.0 + b * b, [x, y])
    h = tf.gradients(a, [x, y])
    print(a, b, g, h)
    return g, h

ARGS = [np.array([1.0, 3.0], dtype=np.float32), np.array([2.0, -1.0], dtype=np.float32)]
PRINTS = True
