"""reduce_prod over all axes and over axis 1 with zeros and negatives."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.reduce_prod(x)
    b = tf.reduce_prod(x, axis=1)
    return tf.gradients(a, x), tf.gradients(b, x)

ARGS = [np.array([[1.0, -2.0, 3.0], [0.0, 4.0, 0.5]], dtype=np.float32)]
