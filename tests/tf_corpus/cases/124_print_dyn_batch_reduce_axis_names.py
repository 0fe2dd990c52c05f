"""PRINTS: with an unknown batch dim, reduce_sum over axis 0 back-propagates through BroadcastTo (TF's dynamic path)."""
import tensorflow as tf
import numpy as np

@tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
def f(x):
    n = tf.shape(x)[0]
    m = tf.cast(n, tf.float32)
    y = tf.reduce_sum(x, axis=0) / m
    g = tf.gradients(tf.reduce_sum(y * y), x)
    print(n, m, y)
    print(g)
    return g

ARGS = [np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]], dtype=np.float32)]
PRINTS = True
