"""tf.fill and tf.zeros with a shape given by tf.shape(x) (static shape, known at trace time)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, v):
    a = tf.fill(tf.shape(x), v)
    b = tf.zeros(tf.shape(x)) + x * x
    return tf.gradients(tf.reduce_sum(a * x + b), [x, v])

ARGS = [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32), np.array(0.5, dtype=np.float32)]
