"""float64 grad_ys for a float64 matrix y through transpose and reshape."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    y = tf.reshape(tf.transpose(x), [3, 2]) * 2.0
    v = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=tf.float64)
    return tf.gradients(y, x, grad_ys=v)

ARGS = [np.arange(6, dtype=np.float64).reshape(2, 3)]
