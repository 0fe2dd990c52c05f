"""PRINTS: 2-layer tanh network, grads for all params; stop_gradients on a list of intermediates; int xs with 'zero'."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w1, b1, w2, b2, k):
    z1 = tf.matmul(x, w1) + b1
    h1 = tf.tanh(z1)
    z2 = tf.matmul(h1, w2) + b2
    out = tf.tanh(z2)
    loss = tf.reduce_mean(tf.square(out - tf.cast(k, tf.float32)))
    g = tf.gradients(loss, [w1, b1, w2, b2])
    reg = loss + 0.01 * tf.reduce_sum(tf.square(z1))
    gs = tf.gradients(reg, [w1, b1, w2, z1, z2], stop_gradients=[h1, z2])
    gz = tf.gradients(loss, [k, w2, x], unconnected_gradients="zero")
    print(g, gs, gz)
    return loss, g, gs, gz

ARGS = [np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -0.5]], dtype=np.float32),
        np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], dtype=np.float32),
        np.array([0.01, -0.02], dtype=np.float32),
        np.array([[0.7], [-0.8]], dtype=np.float32),
        np.array([0.05], dtype=np.float32),
        np.array([[1], [0]], dtype=np.int32)]
PRINTS = True
