"""float64 linear model with an L2 penalty summed over params in a loop (tf.nn.l2_loss); grads and loss."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, t, w, b):
    params = (w, b)
    pred = tf.matmul(x, w) + b
    loss = tf.reduce_mean(tf.square(pred - t))
    for p in params:
        loss += 0.01 * tf.nn.l2_loss(p)
    return loss, tf.gradients(loss, list(params))

ARGS = [np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]]),
        np.array([[1.0], [0.0], [2.0]]),
        np.array([[0.3], [-0.4]]),
        np.array([0.2])]
