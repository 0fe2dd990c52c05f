"""A helper forwarding **kwargs to tf.gradients with unconnected_gradients='Zero' -> ValueError."""
import tensorflow as tf
import numpy as np

def grad(y, xs, **kwargs):
    return tf.gradients(y, xs, **kwargs)

@tf.function
def f(x, y):
    return grad(tf.reduce_sum(x * x), [x, y], unconnected_gradients="Zero")

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
