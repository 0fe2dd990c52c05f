"""PRINTS: gradient tensor names for logsumexp, softmax on axis 0, xent, l2_loss, tile, slicing and concat."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, lab):
    g1 = tf.gradients(tf.math.reduce_logsumexp(x, axis=1), x)
    g2 = tf.gradients(tf.nn.softmax(x, axis=0), x)
    g3 = tf.gradients(tf.nn.softmax_cross_entropy_with_logits(labels=lab, logits=x), [x, lab])
    g4 = tf.gradients(tf.nn.l2_loss(x), x)
    g5 = tf.gradients(tf.tile(x, [1, 2]), x)
    g6 = tf.gradients(x[:, ::-1], x)
    g7 = tf.gradients(tf.concat([x, x * 2.0], 0), x)
    print(g1, g2, g3, g4, g5, g6, g7)
    return g1, g2, g3, g4, g5, g6, g7

ARGS = [np.array([[1.0, 2.0], [0.0, -1.0]], dtype=np.float32), np.array([[0.5, 0.5], [1.0, 0.0]], dtype=np.float32)]
PRINTS = True
