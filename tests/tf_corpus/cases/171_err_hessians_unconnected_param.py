"""tf.hessians wrt a parameter the loss does not use (from a helper) -> ValueError."""
import tensorflow as tf
import numpy as np

def curvature(loss, p):
    return tf.hessians(loss, p)[0]

@tf.function
def f(x, unused):
    loss = tf.reduce_sum(tf.exp(x))
    return curvature(loss, unused)

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([0.5, 0.5], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
