"""PRINTS: gate_gradients=True with EXPERIMENTAL_TREE on a 3-term sum and a matmul."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b):
    y = tf.matmul(a, b) + tf.matmul(a, a) + a * 2.0
    g = tf.gradients(y, [a, b], gate_gradients=True, aggregation_method=tf.AggregationMethod.EXPERIMENTAL_TREE)
    print(g)
    return g

ARGS = [np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32), np.array([[0.5, 0.0], [1.0, -1.0]], dtype=np.float32)]
PRINTS = True
