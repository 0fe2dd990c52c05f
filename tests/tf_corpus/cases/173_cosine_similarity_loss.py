"""Cosine-similarity loss with sqrt norms along axis 1 and a small epsilon; gradients wrt both inputs."""
import tensorflow as tf
import numpy as np

def l2norm(v):
    return tf.sqrt(tf.reduce_sum(v * v, axis=1) + 1e-8)

@tf.function
def f(a, b):
    cos = tf.reduce_sum(a * b, axis=1) / (l2norm(a) * l2norm(b))
    loss = tf.reduce_mean(1.0 - cos)
    return tf.gradients(loss, [a, b])

ARGS = [np.array([[1.0, 2.0, 0.0], [0.5, -1.0, 2.0]], dtype=np.float32),
        np.array([[2.0, 1.0, -1.0], [0.5, -1.0, 2.5]], dtype=np.float32)]
