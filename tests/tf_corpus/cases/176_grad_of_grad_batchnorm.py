"""Second order through batch-norm-like normalisation: gradient of the squared input-gradient wrt x and gamma."""
import tensorflow as tf
import numpy as np

def norm(x, gamma):
    mean = tf.reduce_mean(x, axis=0)
    var = tf.reduce_mean(tf.square(x - mean), axis=0)
    return gamma * (x - mean) / tf.sqrt(var + 0.01)

@tf.function
def f(x, gamma, w):
    y = tf.reduce_sum(tf.tanh(norm(x, gamma)) * w)
    gx = tf.gradients(y, x)[0]
    return tf.gradients(tf.reduce_sum(gx * gx), [x, gamma])

ARGS = [np.array([[1.0, 2.0], [0.0, -1.0], [2.0, 0.5]], dtype=np.float32),
        np.array([1.0, 0.5], dtype=np.float32),
        np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.25]], dtype=np.float32)]
