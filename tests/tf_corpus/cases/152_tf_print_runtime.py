"""tf.print of a loss and a gradient inside the function (run-time printing to stderr must not break anything)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    loss = tf.reduce_sum(tf.exp(x))
    g = tf.gradients(loss, x)[0]
    tf.print("loss", loss, "grad", g)
    return g * 2.0

ARGS = [np.array([0.0, 1.0], dtype=np.float32)]
