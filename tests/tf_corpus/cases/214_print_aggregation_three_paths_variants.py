"""PRINTS: the same three-path (and four-path) loss under default, ADD_N, EXPERIMENTAL_TREE and EXPERIMENTAL_ACCUMULATE_N."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    h = tf.matmul(x, w)
    y = tf.reduce_sum(h * h) + tf.reduce_sum(tf.sigmoid(x)) + tf.reduce_sum(x * 3.0)
    z = y + tf.reduce_sum(tf.matmul(x, w, transpose_b=True) * 0.5)
    g0 = tf.gradients(y, [x, w])
    g1 = tf.gradients(y, [x, w], aggregation_method=tf.AggregationMethod.ADD_N)
    g2 = tf.gradients(z, [x, w], aggregation_method=tf.AggregationMethod.EXPERIMENTAL_TREE)
    g3 = tf.gradients(z, [x, w], aggregation_method=tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N)
    print(g0, g1, g2, g3)
    return g0, g1, g2, g3

ARGS = [np.array([[1.0, -0.5], [2.0, 0.25]], dtype=np.float32),
        np.array([[0.5, 1.0], [-1.0, 2.0]], dtype=np.float32)]
PRINTS = True
