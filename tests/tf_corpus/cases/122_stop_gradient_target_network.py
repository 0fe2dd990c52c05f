"""TD-style loss with a tf.stop_gradient'ed target computed by the same helper (shared weights)."""
import tensorflow as tf
import numpy as np

def q(s, w):
    return tf.reduce_sum(tf.nn.relu(tf.matmul(s, w)), axis=1)

@tf.function
def f(s, s_next, r, w):
    target = r + 0.9 * tf.stop_gradient(q(s_next, w))
    td = q(s, w) - target
    loss = tf.reduce_mean(td * td)
    return tf.gradients(loss, [w, s, s_next])

ARGS = [np.array([[1.0, 0.5], [0.0, -1.0]], dtype=np.float32),
        np.array([[0.5, 0.5], [1.0, 2.0]], dtype=np.float32),
        np.array([1.0, 0.0], dtype=np.float32),
        np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5]], dtype=np.float32)]
