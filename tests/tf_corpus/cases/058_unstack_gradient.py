"""tf.unstack along axis 1 and recombination with different weights."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    a, b, c = tf.unstack(x, axis=1)
    return tf.gradients(a * 1.0 + b * b - tf.exp(c), x)

ARGS = [np.array([[1.0, 2.0, 0.0], [3.0, -1.0, 1.0]], dtype=np.float32)]
