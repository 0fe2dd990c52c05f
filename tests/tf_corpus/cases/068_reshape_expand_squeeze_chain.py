"""reshape with -1, expand_dims at negative axis, squeeze of specific axes, transpose on rank 3."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.reshape(x, [-1, 2])
    b = tf.expand_dims(a, -1)
    c = tf.transpose(b, [2, 1, 0])
    d = tf.squeeze(c, axis=[0])
    return tf.gradients(tf.reduce_sum(d * tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])), x)

ARGS = [np.arange(6, dtype=np.float32).reshape(1, 3, 2)]
