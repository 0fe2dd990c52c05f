"""A helper builds ys from a loop (3 ys) but grad_ys has 2 entries -> ValueError (length mismatch)."""
import tensorflow as tf
import numpy as np

def weighted_grads(ys, x, weights):
    return tf.gradients(ys, x, grad_ys=weights)

@tf.function
def f(x):
    ys = []
    for k in range(3):
        ys.append(x * float(k + 1))
    return weighted_grads(ys, x, [tf.ones_like(x), tf.ones_like(x)])

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
