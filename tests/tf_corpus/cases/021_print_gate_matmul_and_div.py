"""PRINTS: gate_gradients=True on matmul (one operand requested) and division."""
import tensorflow as tf
import numpy as np

@tf.function
def f(a, b):
    g1 = tf.gradients(tf.matmul(a, b), [a], gate_gradients=True)
    g2 = tf.gradients(a / b[0], [a, b], gate_gradients=True)
    g3 = tf.gradients(tf.exp(a), a, gate_gradients=True)
    print(g1)
    print(g2)
    print(g3)
    return g1, g2, g3

ARGS = [np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32),
        np.array([[0.5, 1.0], [2.0, -1.0]], dtype=np.float32)]
PRINTS = True
