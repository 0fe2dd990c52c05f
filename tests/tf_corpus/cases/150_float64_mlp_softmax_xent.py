"""float64 two-layer MLP with softmax cross entropy; gradients for all parameters and inputs."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, labels, w1, b1, w2, b2):
    h = tf.tanh(tf.matmul(x, w1) + b1)
    logits = tf.matmul(h, w2) + b2
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    return tf.gradients(loss, [w1, b1, w2, b2, x])

_rs = np.random.RandomState(21)
ARGS = [_rs.randn(3, 4),
        np.array([[0.0, 1.0], [1.0, 0.0], [0.3, 0.7]]),
        0.5 * _rs.randn(4, 3),
        0.1 * _rs.randn(3),
        0.5 * _rs.randn(3, 2),
        np.zeros(2)]
