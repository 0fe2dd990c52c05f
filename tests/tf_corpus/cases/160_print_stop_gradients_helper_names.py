"""PRINTS: stop_gradients on an intermediate from a helper, unconnected 'zero' name, and a stop_gradient op name."""
import tensorflow as tf
import numpy as np

def feature(x):
    h = tf.exp(x)
    return h, tf.stop_gradient(h) * x

@tf.function
def f(x, y):
    h, s = feature(x)
    loss = tf.reduce_sum(h * x + s)
    g = tf.gradients(loss, [x, y], stop_gradients=[h], unconnected_gradients="zero")
    print(h, s)
    print(g)
    return g

ARGS = [np.array([0.5, 1.0], dtype=np.float32), np.array([2.0], dtype=np.float32)]
PRINTS = True
