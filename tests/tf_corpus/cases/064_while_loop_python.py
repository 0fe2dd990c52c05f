"""Python while loop on a Python counter, with min/max/len, repeated squaring-like updates."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    h = x
    k = 0
    steps = [w, w * 0.5, w * 0.25]
    while k < min(len(steps), 5):
        h = h + steps[k] * tf.sin(h)
        k += 1
    return tf.gradients(tf.reduce_sum(h), [x, w])

ARGS = [np.array([0.5, 1.0], dtype=np.float32), np.array([1.0, -1.0], dtype=np.float32)]
