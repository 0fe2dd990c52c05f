"""reduce_mean with a negative axis and axis=None, float64."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.reduce_mean(x, axis=-1)
    b = tf.reduce_mean(x * x)
    c = tf.reduce_mean(x, axis=[-2, -1], keepdims=True)
    return tf.gradients([a * a, b, c], x)

ARGS = [np.arange(12, dtype=np.float64).reshape(3, 4) - 5.0]
