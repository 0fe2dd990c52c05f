"""`while` on a Python counter with a Python-valued step; an accumulator list of per-step losses."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    n = 0
    h = x
    losses = []
    while n < 4:
        h = h * w + 0.1 * n
        losses.append(tf.reduce_sum(h))
        n += 1
    total = losses[0]
    for l in losses[1:]:
        total = total + l
    return tf.gradients(total, [x, w])

ARGS = [np.array([1.0, -2.0], dtype=np.float32), np.array([0.5, 1.5], dtype=np.float32)]
