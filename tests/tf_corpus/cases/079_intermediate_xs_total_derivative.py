"""Intermediate xs: h1 and h2 = f(h1) both listed; h1's gradient includes the path through h2."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    h1 = tf.sin(x)
    h2 = h1 * h1
    y = h2 * 3.0 + h1 + tf.exp(x)
    return tf.gradients(y, [h2, h1, x]), tf.gradients(y, [h1, x], stop_gradients=[h2])

ARGS = [np.array([0.3, 1.2], dtype=np.float32)]
