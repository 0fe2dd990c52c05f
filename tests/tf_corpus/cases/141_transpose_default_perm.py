"""tf.transpose with the default perm (full reversal) on rank 2 and rank 3 tensors; x.T-style use in matmul."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    xt = tf.transpose(x)
    yt = tf.transpose(y)
    z = tf.matmul(xt, x) * tf.reduce_sum(yt, axis=1)
    return tf.gradients(tf.reduce_sum(z * z), [x, y])

ARGS = [np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 3.0]], dtype=np.float32),
        np.arange(12, dtype=np.float32).reshape(2, 3, 2) * 0.1]
