"""relu, abs, sign, maximum with 0 and minimum at exact zeros in a matrix."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    return tf.gradients([tf.nn.relu(x), abs(x), tf.maximum(x, 0.0), tf.minimum(0.0, x)], x) + tf.gradients(tf.sign(x), x)

ARGS = [np.array([[0.0, -0.0], [1.0, -1.0]], dtype=np.float32)]
