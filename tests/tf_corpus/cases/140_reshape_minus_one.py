"""tf.reshape with -1 in different positions, round trip through rank 3; x.shape-based reshape."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    a = tf.reshape(x, [-1])
    b = tf.reshape(a * w, [2, -1, 2])
    c = tf.reshape(b, [-1, x.shape[1]])
    d = tf.reshape(tf.reduce_sum(b, axis=1), (-1,))
    return tf.gradients(tf.reduce_sum(tf.sin(c)) + tf.reduce_sum(d * d), [x, w])

ARGS = [np.array([[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 0.0, 2.0]], dtype=np.float32),
        np.array([1.0, -1.0, 2.0, 0.5, 0.25, 1.0, -0.5, 3.0], dtype=np.float32)]
