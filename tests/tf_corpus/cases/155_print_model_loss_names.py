"""PRINTS: names of a small dense model's loss pieces and of its gradients (Relu, Sum, truediv, BiasAdd-free add)."""
import tensorflow as tf
import numpy as np

def dense(h, w, b):
    return tf.matmul(h, w) + b

@tf.function
def f(x, w1, b1, w2, b2):
    h = tf.nn.relu(dense(x, w1, b1))
    out = dense(h, w2, b2)
    loss = tf.reduce_mean(tf.square(out))
    print(h, out, loss)
    g = tf.gradients(loss, [w1, b1, w2, b2])
    print(g)
    return g

ARGS = [np.array([[1.0, -1.0], [0.5, 2.0]], dtype=np.float32),
        np.array([[0.5, -0.5, 1.0], [1.0, 0.25, -0.5]], dtype=np.float32),
        np.array([0.1, 0.0, -0.1], dtype=np.float32),
        np.array([[1.0], [-1.0], [0.5]], dtype=np.float32),
        np.array([0.2], dtype=np.float32)]
PRINTS = True
