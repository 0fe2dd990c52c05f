"""PRINTS: tf.matmul, @, tf.linalg.matmul mixed and repeated: MatMul, matmul_1, MatMul_2 and their grad names."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b):
    c = tf.matmul(a, b)
    d = c @ b
    e = tf.linalg.matmul(d, b, transpose_b=True)
    g = tf.gradients(tf.reduce_sum(e), [a, b])
    print(c, d, e)
    print(g)
    return g

ARGS = [np.array([[1.0, 2.0]], dtype=np.float32), np.array([[0.5, -1.0], [1.0, 0.0]], dtype=np.float32)]
PRINTS = True
