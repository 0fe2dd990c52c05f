"""grad_ys of the wrong shape (3,) for a (2,) product, passed through a helper -> ValueError."""
import tensorflow as tf
import numpy as np

def vjp(y, x, v):
    return tf.gradients(y, x, grad_ys=v)

@tf.function
def f(x, w, v):
    return vjp(x * w, [x, w], v)

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32),
        np.array([1.0, 1.0, 1.0], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
