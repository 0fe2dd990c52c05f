"""A helper defines a nested function closing over a tensor and calls it in a loop (closures)."""
import tensorflow as tf
import numpy as np

def make_step(w):
    def step(h):
        return tf.tanh(h * w) + h
    return step

def run(x, w, n):
    step = make_step(w)
    h = x
    for _ in range(n):
        h = step(h)
    return h

@tf.function
def f(x, w):
    y = tf.reduce_sum(run(x, w, 3))
    return tf.gradients(y, [x, w])

ARGS = [np.array([0.5, -0.25, 1.0], dtype=np.float32), np.array([0.8, -1.2, 0.3], dtype=np.float32)]
