"""float64 everywhere: rank-3 broadcast multiply, divide and pow."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    y = tf.reduce_sum((x * w) ** 2.0 / (w + 3.0))
    return tf.gradients(y, [x, w])

ARGS = [np.linspace(-1.0, 1.0, 12).reshape(2, 3, 2).astype(np.float64),
        np.array([[0.5, 2.0]], dtype=np.float64)]
