"""reduce_sum, expand_dims and concat with the axis given as a tf.constant tensor."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.reduce_sum(x, axis=tf.constant(1))
    b = tf.expand_dims(x, tf.constant(0))
    c = tf.concat([x, x * 2.0], axis=tf.constant(0))
    return tf.gradients([a * a, b * 3.0, c * c], x)

ARGS = [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)]
