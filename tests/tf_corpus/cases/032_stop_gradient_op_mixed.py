"""tf.stop_gradient inside an expression combined with stop_gradients= and ZERO."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    s = tf.stop_gradient(x * y)
    z = s * x + tf.sin(y)
    g1 = tf.gradients(z, [x, y, s])
    g2 = tf.gradients(z, [x, y], stop_gradients=[z], unconnected_gradients="zero")
    g3 = tf.gradients(s, [x, y], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return g1, g2, g3

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, -1.0], dtype=np.float32)]
