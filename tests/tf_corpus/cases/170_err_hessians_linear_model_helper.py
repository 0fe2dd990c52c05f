"""tf.hessians of a loss that is linear in the bias (second derivative has no path) via a helper -> ValueError."""
import tensorflow as tf
import numpy as np

def hess(loss, params):
    return tf.hessians(loss, params)

@tf.function
def f(x, w, b):
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w))) + tf.reduce_sum(b)
    return hess(loss, [w, b])

ARGS = [np.array([[1.0, 2.0]], dtype=np.float32), np.array([[0.5], [-0.5]], dtype=np.float32),
        np.array([0.1], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
