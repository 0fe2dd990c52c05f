"""List comprehensions inside the function: squared-norm of each gradient (a common user idiom)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w1, w2):
    loss = tf.reduce_sum(tf.tanh(tf.matmul(tf.matmul(x, w1), w2)))
    grads = tf.gradients(loss, [w1, w2])
    norms = [tf.reduce_sum(g * g) for g in grads]
    return grads, norms

ARGS = [np.array([[1.0, -1.0]], dtype=np.float32),
        np.array([[0.5, 0.2], [-0.3, 0.9]], dtype=np.float32),
        np.array([[1.0], [0.5]], dtype=np.float32)]
