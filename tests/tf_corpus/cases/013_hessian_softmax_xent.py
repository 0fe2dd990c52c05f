"""Hessian of mean softmax cross-entropy with respect to logits (2,3)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(logits):
    labels = tf.constant([[0.0, 1.0, 0.0], [0.5, 0.25, 0.25]])
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    return tf.hessians(loss, logits)

ARGS = [np.array([[1.0, 0.0, -1.0], [0.2, 0.3, 0.1]], dtype=np.float32)]
