"""PRINTS: EXPERIMENTAL_TREE with 6 contributions chains 5 AddNs under 'x_gradient_sum/'."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    y = x * 1.0 + x * 2.0 + x * 3.0 + x * 4.0 + tf.sin(x) + tf.exp(x)
    g = tf.gradients(y, x, aggregation_method=tf.AggregationMethod.EXPERIMENTAL_TREE)
    print(g)
    return g

ARGS = [np.array([0.0, 1.0], dtype=np.float32)]
PRINTS = True
