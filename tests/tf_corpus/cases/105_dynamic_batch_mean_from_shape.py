"""input_signature with an unknown batch: mean computed by dividing by tf.cast(tf.shape(x)[0])."""
import tensorflow as tf
import numpy as np

@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32), tf.TensorSpec([3, 1], tf.float32)])
def f(x, w):
    n = tf.cast(tf.shape(x)[0], tf.float32)
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w))) / n
    return tf.gradients(loss, [x, w])

ARGS = [np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]], dtype=np.float32),
        np.array([[0.5], [-0.5], [1.0]], dtype=np.float32)]
