"""grad_ys computed as a comparison mask (bool) inside a helper -> TypeError."""
import tensorflow as tf
import numpy as np

def masked_grad(y, x):
    return tf.gradients(y, x, grad_ys=y > 0.0)

@tf.function
def f(x):
    return masked_grad(tf.tanh(x) * 2.0, x)

ARGS = [np.array([1.0, -2.0, 0.5], dtype=np.float32)]
EXPECT_ERROR = "TypeError"
