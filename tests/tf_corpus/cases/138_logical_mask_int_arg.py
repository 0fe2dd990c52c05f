"""Padding mask from an int32 lengths argument via tf.range, tf.less and logical_and; masked softmax."""
import tensorflow as tf
import numpy as np

@tf.function
def f(scores, lengths):
    pos = tf.range(4)
    valid = tf.logical_and(tf.less(tf.expand_dims(pos, 0), tf.expand_dims(lengths, 1)), pos >= 0)
    masked = tf.where(valid, scores, -1e9)
    p = tf.nn.softmax(masked, axis=-1)
    loss = tf.reduce_sum(p * tf.cast(tf.expand_dims(pos, 0), tf.float32))
    return tf.gradients(loss, [scores, lengths])

ARGS = [np.array([[1.0, 2.0, 3.0, 4.0], [0.5, -0.5, 1.0, 2.0]], dtype=np.float32), np.array([2, 3], dtype=np.int32)]
