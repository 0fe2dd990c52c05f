"""PRINTS: several strided slices named strided_slice, strided_slice_1, ... and their gradients."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = x[0]
    b = x[:, ::-1]
    c = x[..., 1]
    print(a, b, c)
    g = tf.gradients([a, b, c], x, aggregation_method=tf.AggregationMethod.EXPERIMENTAL_TREE)
    print(g)
    return g

ARGS = [np.arange(6, dtype=np.float64).reshape(2, 3)]
PRINTS = True
