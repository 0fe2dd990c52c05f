"""softmax on axis 0 and log_softmax on axis 0, weighted, float64."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    w = tf.constant([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]], dtype=tf.float64)
    s = tf.nn.softmax(x, axis=0)
    l = tf.nn.log_softmax(x, axis=0)
    return tf.gradients(tf.reduce_sum(s * w), x), tf.gradients(tf.reduce_sum(l * w), x)

ARGS = [np.array([[1.0, 0.0], [2.0, 1.0], [-1.0, 3.0]], dtype=np.float64)]
