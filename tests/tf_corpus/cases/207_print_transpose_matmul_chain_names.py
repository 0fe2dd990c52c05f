"""PRINTS: transpose of a matmul chain with transpose_a/transpose_b and @, gradient names per MatMul."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b, c):
    ab = tf.matmul(a, b, transpose_a=True)
    t = tf.transpose(ab)
    h = tf.matmul(t, c, transpose_b=True)
    y = tf.transpose(h @ c) * tf.transpose(a)
    g = tf.gradients(y, [a, b, c])
    print(g)
    return g

ARGS = [np.array([[1.0, 2.0, 0.5], [3.0, -1.0, 2.0]], dtype=np.float32),
        np.array([[0.5, -2.0], [1.0, 1.5]], dtype=np.float32),
        np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]], dtype=np.float32)]
PRINTS = True
