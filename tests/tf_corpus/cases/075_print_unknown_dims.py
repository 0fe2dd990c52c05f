"""PRINTS: input_signature with unknown dims: broadcast gradients get Reshape and Reshape_1; shapes print as None."""
import tensorflow as tf
import numpy as np

@tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([2], tf.float32)])
def f(x, b):
    y = x * b
    print(y)
    g = tf.gradients(tf.reduce_mean(y, axis=0), [x, b])
    print(g)
    return g

ARGS = [np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=np.float32), np.array([0.5, -0.5], dtype=np.float32)]
PRINTS = True
