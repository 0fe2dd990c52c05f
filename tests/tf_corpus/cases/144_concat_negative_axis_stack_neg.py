"""tf.concat(axis=-1) and (axis=-2), tf.stack(axis=-1) of three tensors, sliced apart again."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b):
    c = tf.concat([a, b, a * b], axis=-1)
    d = tf.concat([a, b], axis=-2)
    s = tf.stack([a, b, a - b], axis=-1)
    y = tf.reduce_sum(c[:, 2:] ** 2) + tf.reduce_sum(d * 2.0) + tf.reduce_sum(s[..., 2] * s[..., 0])
    return tf.gradients(y, [a, b])

ARGS = [np.array([[1.0, 2.0], [0.5, -1.0]], dtype=np.float32), np.array([[3.0, -2.0], [1.0, 0.0]], dtype=np.float32)]
