"""tile with multiples [2, 1, 3], concat on axis -1 and stack on axis 1 of rank-2 pieces."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b):
    t = tf.tile(a, [2, 1, 3])
    c = tf.concat([a, b, a], axis=-1)
    s = tf.stack([a[0][:, 0], b[0][:, 1]], axis=1)
    y = tf.reduce_sum(t * t) + tf.reduce_sum(c * tf.range(6.0)) + tf.reduce_sum(s * tf.constant([[1.0, -1.0], [2.0, 0.0]]))
    return tf.gradients(y, [a, b])

ARGS = [np.array([[[1.0], [2.0]]], dtype=np.float32), np.array([[[3.0, 4.0, 5.0, 6.0], [7.0, 8.0, 9.0, 0.0]]], dtype=np.float32)]
