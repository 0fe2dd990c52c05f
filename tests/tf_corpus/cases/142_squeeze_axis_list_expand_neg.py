"""tf.squeeze with an axis list and with negative axes; tf.expand_dims(-1) and (0)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.squeeze(x, axis=[0, 2])
    b = tf.squeeze(x, [-1])
    c = tf.expand_dims(a, -1) * tf.expand_dims(a, 0)
    d = tf.squeeze(x)
    return tf.gradients(tf.reduce_sum(c) + tf.reduce_sum(b * b) + tf.reduce_sum(tf.exp(d)), x)

ARGS = [np.array([[[1.0], [2.0], [-1.0]]], dtype=np.float32)]
