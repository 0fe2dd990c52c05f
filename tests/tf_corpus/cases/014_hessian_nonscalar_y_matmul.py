"""tf.hessians of a non-scalar y (summed) built with matmul."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a = tf.constant([[2.0, 1.0], [1.0, 3.0]])
    y = tf.matmul(x, a) * x
    return tf.hessians(y, x)

ARGS = [np.array([[1.0, -1.0]], dtype=np.float32)]
