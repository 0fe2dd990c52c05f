"""PRINTS: tf.gradients with custom names from a helper called twice ('loss_grad', then 'loss_grad_1'), then default."""
import tensorflow as tf
import numpy as np

def grad_of(y, x, name):
    return tf.gradients(y, x, name=name)

@tf.function
def f(x):
    y = tf.exp(x) * x
    g1 = grad_of(y, x, "loss_grad")
    g2 = grad_of(g1[0], x, "loss_grad")
    g3 = tf.gradients(y, x)
    g4 = grad_of(y, x, "outer/inner")
    print(g1, g2, g3, g4)
    return g1, g2, g3, g4

ARGS = [np.array([0.5, -1.0], dtype=np.float32)]
PRINTS = True
