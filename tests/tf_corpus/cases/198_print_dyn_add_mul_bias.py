"""PRINTS: unknown batch dim, [None, 3] op [3]: the bias axis is still inferred statically, so only b gets Sum+Reshape."""
import tensorflow as tf
import numpy as np

@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32), tf.TensorSpec([3], tf.float32)])
def f(x, b):
    g1 = tf.gradients(tf.reduce_sum(x + b), [x, b])
    g2 = tf.gradients(tf.reduce_sum(x * b), [x, b])
    g3 = tf.gradients(tf.reduce_sum((x - b) / b), [x, b])
    print(g1)
    print(g2)
    print(g3)
    return g1 + g2 + g3

ARGS = [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32),
        np.array([0.5, -0.5, 2.0], dtype=np.float32)]
PRINTS = True
