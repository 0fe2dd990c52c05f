"""ys == xs returns the grad_y unchanged, even an int32 grad_y for a float x or a wrong shape."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    return tf.gradients(x, x, grad_ys=tf.constant([1, 2], dtype=tf.int32)), tf.gradients(x, x, grad_ys=tf.ones([3]))

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
