"""PRINTS: an input that also feeds ops outside the cond: AddN of cond_grad/Identity and the others."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    a = x * w
    z = tf.cond(tf.reduce_max(x) > 1.5, lambda: tf.sin(x) * a, lambda: a * a * w)
    loss = tf.reduce_sum(z + tf.square(x))
    g = tf.gradients(loss, [x, w, a])
    print(g)
    return g

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([0.5, -1.5], dtype=np.float32)]
PRINTS = True
