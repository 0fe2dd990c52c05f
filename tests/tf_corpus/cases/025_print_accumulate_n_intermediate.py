"""PRINTS: EXPERIMENTAL_ACCUMULATE_N sums at an intermediate op: '<op>_gradient_sum/AddN'."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    h = tf.tanh(x)
    y = h * h * h
    g = tf.gradients(y, x, aggregation_method=tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N)
    print(g)
    return g

ARGS = [np.array([0.3, -0.6], dtype=np.float32)]
PRINTS = True
