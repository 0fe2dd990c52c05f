"""reduce_max over axis 0 and reduce_min over axis 1 on a rank-3 tensor with ties."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.reduce_max(x, axis=0)
    b = tf.reduce_min(x, axis=[1, 2], keepdims=True)
    return tf.gradients(a, x) + tf.gradients(b, x)

ARGS = [np.array([[[1.0, 2.0], [2.0, 2.0]], [[1.0, 0.0], [3.0, 0.0]]], dtype=np.float32)]
