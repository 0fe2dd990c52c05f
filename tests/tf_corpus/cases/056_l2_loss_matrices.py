"""l2_loss of a matrix and of a rank-3 tensor (float64), summed with weights."""
import tensorflow as tf
import numpy as np

@tf.function
def f(w, v):
    y = 0.5 * tf.nn.l2_loss(w) + tf.cast(tf.nn.l2_loss(v * 2.0), tf.float32)
    return tf.gradients(y, [w, v])

ARGS = [np.array([[1.0, -2.0], [3.0, 0.5]], dtype=np.float32),
        np.arange(8, dtype=np.float64).reshape(2, 2, 2)]
