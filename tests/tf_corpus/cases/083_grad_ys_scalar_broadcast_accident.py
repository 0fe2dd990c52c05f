"""Scalar grad_ys for y = x*x and y = exp(x) broadcasts to x's shape."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    return tf.gradients(x * x, x, grad_ys=2.0), tf.gradients(tf.exp(x), x, grad_ys=tf.constant(3.0))

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
