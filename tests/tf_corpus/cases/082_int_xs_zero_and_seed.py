"""int32/bool xs: ZERO gives typed zeros; an int32 y that is an x gets the int ones seed."""
import tensorflow as tf
import numpy as np

@tf.function
def f(n, b, x):
    y = x * tf.cast(n, tf.float32)
    g1 = tf.gradients(y, [n, b, x], unconnected_gradients="zero")
    g2 = tf.gradients([n, y], [n, x])
    return g1, g2

ARGS = [np.array([[1, 2]], dtype=np.int32), np.array([True, False, True]), np.array([[0.5, 1.5]], dtype=np.float32)]
