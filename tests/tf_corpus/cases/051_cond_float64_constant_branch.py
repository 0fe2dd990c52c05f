"""tf.cond in float64 where the untaken branch uses w and the taken one is x-only; an unused input gets None."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w, unused):
    z = tf.cond(x[0] < 0.0, lambda: x * w, lambda: tf.sin(x))
    return tf.gradients(z, [x, w, unused])

ARGS = [np.array([1.0, -2.0], dtype=np.float64), np.array([3.0, 4.0], dtype=np.float64),
        np.array([5.0], dtype=np.float64)]
