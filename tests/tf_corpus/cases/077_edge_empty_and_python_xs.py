"""ys=[] gives Nones, xs=[] gives [], a Python float in xs gives None, aggregation_method=True is accepted."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.gradients([], [x, x])
    b = tf.gradients(x * x, [])
    c = tf.gradients(x * x, [x, 3.0])
    d = tf.gradients(x * x + x, x, aggregation_method=True)
    return a, b, c, d

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
