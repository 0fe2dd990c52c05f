"""tf.hessians of a non-quadratic function of a (2,3) x: shape (2,3,2,3)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    y = tf.reduce_sum(tf.exp(x) * tf.sin(x)) + tf.reduce_sum(x[0] * x[1])
    return tf.hessians(y, x)

ARGS = [np.array([[0.1, 0.2, -0.3], [0.5, -1.0, 0.25]], dtype=np.float32)]
