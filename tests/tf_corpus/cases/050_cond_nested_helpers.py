"""tf.cond whose branches call helper functions and close over several inputs."""
import tensorflow as tf
import numpy as np

def branch_a(x, w):
    return tf.reduce_sum(tf.square(x * w))

def branch_b(x, b):
    return tf.reduce_sum(tf.exp(x) + b)

@tf.function
def f(x, w, b):
    z = tf.cond(tf.reduce_mean(x) > 0.5, lambda: branch_a(x, w), lambda: branch_b(x, b))
    u = tf.cond(tf.reduce_mean(x) > 0.5, lambda: branch_b(x, b), lambda: branch_a(x, w))
    return tf.gradients(z, [x, w, b]), tf.gradients(u * z, [x, w, b])

ARGS = [np.array([1.0, 0.5], dtype=np.float32), np.array([2.0, -1.0], dtype=np.float32),
        np.array([0.3, 0.4], dtype=np.float32)]
