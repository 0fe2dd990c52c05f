"""PRINTS: print inside a helper function called from the tf.function; helper names ops the same way."""
import tensorflow as tf
import numpy as np

def layer(h, w):
    z = tf.matmul(h, w)
    print("z:", z)
    return tf.nn.relu(z)

@tf.function
def f(x, w1, w2):
    h = layer(x, w1)
    out = layer(h, w2)
    g = tf.gradients(tf.reduce_sum(out), [w1, w2])
    print("grads:", g)
    return g

ARGS = [np.array([[1.0, -1.0]], dtype=np.float32),
        np.array([[0.5, -0.5], [0.25, 1.0]], dtype=np.float32),
        np.array([[1.0], [-2.0]], dtype=np.float32)]
PRINTS = True
