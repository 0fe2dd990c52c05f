"""Gradients wrt every layer's activation (collected in a list) of a 3-layer network: total derivatives."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    acts = [x]
    for _ in range(3):
        acts.append(tf.nn.sigmoid(tf.matmul(acts[-1], w)))
    loss = tf.reduce_sum(acts[-1]) + 0.5 * tf.reduce_sum(acts[1])
    return tf.gradients(loss, acts)

ARGS = [np.array([[1.0, -1.0]], dtype=np.float32), np.array([[0.5, -1.0], [2.0, 0.25]], dtype=np.float32)]
