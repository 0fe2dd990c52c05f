"""PRINTS: unknown batch dim: reduce_mean over axis 0 (BroadcastTo path), over all axes (Tile of a runtime Shape) and reduce_sum with keepdims."""
import tensorflow as tf
import numpy as np

@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
def f(x):
    g1 = tf.gradients(tf.reduce_mean(x, axis=0), [x])
    g2 = tf.gradients(tf.reduce_mean(x * x), [x])
    g3 = tf.gradients(tf.reduce_sum(x, axis=1, keepdims=True) * 2.0, [x])
    g4 = tf.gradients(tf.reduce_sum(tf.reduce_mean(tf.exp(x), axis=[1])), [x])
    print(g1)
    print(g2)
    print(g3)
    print(g4)
    return g1 + g2 + g3 + g4

ARGS = [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32) / 4]
PRINTS = True
