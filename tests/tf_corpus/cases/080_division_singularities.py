"""Division by zero and zero numerators: inf/nan in gradients of x / y and y / x."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, y):
    return tf.gradients(x / y, [x, y]), tf.gradients(tf.sqrt(x * y), [x, y])

ARGS = [np.array([1.0, 0.0, -1.0, 0.0], dtype=np.float32), np.array([0.0, 0.0, 2.0, 3.0], dtype=np.float32)]
