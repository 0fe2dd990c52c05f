"""Size-1 dims on both sides: (3,1) - (1,1) and (1,4) / (3,1)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b, c):
    y1 = a - b
    y2 = c / a
    return tf.gradients([y1, y2], [a, b, c])

ARGS = [np.array([[1.0], [2.0], [4.0]], dtype=np.float32),
        np.array([[0.5]], dtype=np.float32),
        np.array([[1.0, -1.0, 2.0, 0.5]], dtype=np.float32)]
