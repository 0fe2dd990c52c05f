"""PRINTS: both operands [None, 3]: TF skips the equal-shapes fast path and reduces both through BroadcastGradientArgs."""
import tensorflow as tf
import numpy as np

@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32), tf.TensorSpec([None, 3], tf.float32)])
def f(x, z):
    g1 = tf.gradients(tf.reduce_sum(x + z), [x, z])
    g2 = tf.gradients(tf.reduce_sum(x * z), [x, z])
    g3 = tf.gradients(tf.reduce_sum(x - z), [x, z])
    g4 = tf.gradients(tf.reduce_sum(x / (z * z + 1.0)), [x, z])
    g5 = tf.gradients(tf.reduce_sum(tf.maximum(x, z)), [x, z])
    g6 = tf.gradients(tf.reduce_sum(x * x), [x])
    print(g1)
    print(g2)
    print(g3)
    print(g4)
    print(g5)
    print(g6)
    return g1 + g2 + g3 + g4 + g5 + g6

ARGS = [np.array([[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]], dtype=np.float32),
        np.array([[0.5, -0.5, 2.0], [1.0, 1.5, -2.0]], dtype=np.float32)]
PRINTS = True
