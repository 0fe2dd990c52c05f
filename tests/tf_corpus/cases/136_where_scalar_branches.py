"""tf.where with Python-scalar branches and with one scalar branch (broadcast), inside a leaky-relu helper."""
import tensorflow as tf
import numpy as np

def leaky(x, alpha):
    return x * tf.where(x > 0.0, 1.0, alpha)

@tf.function
def f(x, y):
    a = leaky(x, 0.1)
    b = tf.where(y < 0.0, 0.0, y * y)
    c = tf.where(x > y, x, 2.0)
    return tf.gradients(tf.reduce_sum(a + b + c), [x, y])

ARGS = [np.array([1.0, -2.0, 0.0, 3.0], dtype=np.float32), np.array([-1.0, 2.0, 0.5, 3.0], dtype=np.float32)]
