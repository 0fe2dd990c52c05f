"""PRINTS: hessians takes the 'gradients' scope; the next tf.gradients gets 'gradients_1'."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    y = tf.reduce_sum(x * x * x)
    h = tf.hessians(y, x, name="myhess")
    g = tf.gradients(y, x)
    print(h)
    print(g)
    return h, g

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
PRINTS = True
