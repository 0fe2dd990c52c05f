"""tf.where with a (2,1) condition, a (1,3) x and a scalar y: each gradient summed to its own shape."""
import tensorflow as tf
import numpy as np

@tf.function
def f(c, a, b):
    y = tf.where(c > 0.0, a * a, b)
    return tf.gradients(y * tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), [c, a, b])

ARGS = [np.array([[1.0], [-1.0]], dtype=np.float32), np.array([[1.0, 2.0, 3.0]], dtype=np.float32),
        np.array(0.5, dtype=np.float32)]
