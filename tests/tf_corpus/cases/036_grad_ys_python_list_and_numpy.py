"""grad_ys as a Python list of tensors, a tuple, a numpy array and a nested Python list for one y."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    y1 = x * x
    y2 = tf.reduce_sum(x)
    g1 = tf.gradients([y1, y2], x, grad_ys=[tf.constant([1.0, -1.0, 2.0]), tf.constant(3.0)])
    g2 = tf.gradients((y1, y2), [x], grad_ys=(None, tf.constant(0.5)))
    g3 = tf.gradients(y1, x, grad_ys=np.array([2.0, 2.0, 2.0], dtype=np.float32))
    g4 = tf.gradients([y1], x, grad_ys=[[1.0, 0.0, 1.0]])
    return g1, g2, g3, g4

ARGS = [np.array([1.0, 2.0, 3.0], dtype=np.float32)]
