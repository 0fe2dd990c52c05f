"""broadcast_to from (3,1) to (2,3,4) and from a scalar to (2,2)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, s):
    y = tf.reduce_sum(tf.broadcast_to(a, [2, 3, 4]) * tf.reshape(tf.range(24.0), [2, 3, 4]))
    z = tf.broadcast_to(s, [2, 2]) * tf.constant([[1.0, 2.0], [3.0, 4.0]])
    return tf.gradients([y, z], [a, s])

ARGS = [np.array([[1.0], [2.0], [3.0]], dtype=np.float32), np.array(2.0, dtype=np.float32)]
