"""Conv-free CNN-like dense stack: three relu layers, softmax xent loss; gradients for every parameter."""
import tensorflow as tf
import numpy as np

def dense(h, w, b):
    return tf.nn.relu(tf.matmul(h, w) + b)

@tf.function
def f(x, labels, w1, b1, w2, b2, w3):
    h = dense(x, w1, b1)
    h = dense(h, w2, b2)
    logits = tf.matmul(h, w3)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    return loss, tf.gradients(loss, [w1, b1, w2, b2, w3])

_rs = np.random.RandomState(11)
ARGS = [_rs.randn(4, 6).astype(np.float32),
        np.eye(3, dtype=np.float32)[[0, 2, 1, 2]],
        (0.5 * _rs.randn(6, 5)).astype(np.float32),
        (0.1 * _rs.randn(5)).astype(np.float32),
        (0.5 * _rs.randn(5, 4)).astype(np.float32),
        (0.1 * _rs.randn(4)).astype(np.float32),
        (0.5 * _rs.randn(4, 3)).astype(np.float32)]
