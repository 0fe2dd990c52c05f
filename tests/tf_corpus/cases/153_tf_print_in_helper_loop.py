"""tf.print called from a helper inside a Python loop, with a summarize kwarg; gradients unaffected."""
import tensorflow as tf
import numpy as np

def step(h, w, i):
    h = tf.tanh(h * w)
    tf.print("step", i, tf.reduce_sum(h), summarize=3)
    return h

@tf.function
def f(x, w):
    h = x
    for i in range(2):
        h = step(h, w, i)
    return tf.gradients(tf.reduce_sum(h), [x, w])

ARGS = [np.array([1.0, -1.0, 0.5], dtype=np.float32), np.array([0.5, 2.0, -1.0], dtype=np.float32)]
