"""reshape, broadcast_to, tile and transpose with their shape/multiples/perm given as tf.constant tensors."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.reshape(x, tf.constant([3, 2]))
    b = tf.broadcast_to(x[:3], tf.constant([2, 3]))
    c = tf.tile(x, tf.constant([2]))
    d = tf.transpose(a, tf.constant([1, 0]))
    y = tf.reduce_sum(a * a) + tf.reduce_sum(b * 2.0) + tf.reduce_sum(tf.sin(c)) + tf.reduce_sum(d[0])
    return tf.gradients(y, x)

ARGS = [np.arange(6, dtype=np.float32) / 4.0]
