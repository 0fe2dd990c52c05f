"""pow special cases: 0**2, 0**1, x**0, negative base with integer exponent, gradient wrt the exponent."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, e):
    return [tf.gradients(x ** 2.0, x)[0], tf.gradients(x ** 1.0, x)[0], tf.gradients(tf.pow(x, 3.0), x)[0],
            tf.gradients(tf.pow(x, e), [x, e]), tf.gradients(x ** 0.0, x)[0]]

ARGS = [np.array([0.0, -2.0, 3.0], dtype=np.float32), np.array([2.0, 3.0, 0.5], dtype=np.float32)]
