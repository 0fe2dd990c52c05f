"""Unknown batch: tile multiples and a reshape shape given as lists mixing tf.shape(x)[0] with ints."""
import tensorflow as tf
import numpy as np

@tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([2], tf.float32)])
def f(x, v):
    t = tf.tile(v[None, :], [tf.shape(x)[0], 1])
    w = tf.where(x > t, x, t)
    s = tf.reshape(tf.stack([w, x], axis=-1), [tf.shape(x)[0], -1])
    return tf.gradients(tf.reduce_sum(s * s), [x, v])

ARGS = [np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]], dtype=np.float32), np.array([0.7, 0.1], dtype=np.float32)]
