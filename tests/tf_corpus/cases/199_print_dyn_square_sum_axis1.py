"""PRINTS: the public unknown-dim program: reduce_sum(axis=1) of an unknown-batch input back-propagates through BroadcastTo."""
import tensorflow as tf
import numpy as np

@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32), tf.TensorSpec([3], tf.float32)])
def f(x, b):
    y = tf.reduce_sum(tf.square(x + b), axis=1)
    g = tf.gradients(y, [x, b])
    print(g)
    return g

ARGS = [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [-1.0, 0.0, 1.0]], dtype=np.float32),
        np.array([0.5, -0.5, 1.0], dtype=np.float32)]
PRINTS = True
