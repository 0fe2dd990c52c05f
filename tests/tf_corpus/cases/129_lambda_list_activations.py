"""A list of lambdas closing over parameters, applied with zip; lambda default argument."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, a, b):
    fns = [lambda t: t * a, lambda t: tf.sin(t) + b, lambda t, k=2.0: t ** k]
    outs = []
    h = x
    for fn, coef in zip(fns, [1.0, 0.5, 2.0]):
        h = fn(h)
        outs.append(coef * tf.reduce_sum(h))
    return tf.gradients(outs, [x, a, b])

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([0.5, -1.0], dtype=np.float32), np.array(0.25, dtype=np.float32)]
