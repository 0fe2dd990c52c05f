"""UnconnectedGradients.ZERO for intermediate tensors as xs: one downstream of y, one from another branch, int64 one."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.sin(x)
    b = tf.cos(x)
    y = a * 2.0
    after = y * 3.0
    n = tf.cast(x, tf.int64)
    return tf.gradients(y, [a, b, after, n, x], unconnected_gradients="zero")

ARGS = [np.array([[0.5, 1.0, 1.5]], dtype=np.float32)]
