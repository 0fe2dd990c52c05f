"""A dense helper with an optional bias returns it (None) in the parameter list used as xs -> AttributeError."""
import tensorflow as tf
import numpy as np

def dense(x, w, b=None):
    z = tf.matmul(x, w)
    if b is not None:
        z = z + b
    return z, [w, b]

@tf.function
def f(x, w):
    z, params = dense(x, w)
    return tf.gradients(tf.reduce_sum(z), params)

ARGS = [np.array([[1.0, 2.0]], dtype=np.float32), np.array([[0.5], [-0.5]], dtype=np.float32)]
EXPECT_ERROR = "AttributeError"
