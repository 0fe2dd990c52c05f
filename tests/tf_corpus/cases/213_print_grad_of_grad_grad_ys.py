"""PRINTS: gradients of gradients where both calls pass grad_ys (second call seeds a non-scalar first gradient)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    y = tf.tanh(x * w) * x
    g = tf.gradients(y, [x, w], grad_ys=tf.constant([1.0, 2.0, -1.0]))
    gg = tf.gradients(g[0], [x, w], grad_ys=[tf.constant([0.5, 1.0, 1.5])])
    ggg = tf.gradients([g[0], g[1]], x, grad_ys=[tf.ones([3]), tf.constant([1.0, 0.0, 2.0])])
    print(g, gg, ggg)
    return g, gg, ggg

ARGS = [np.array([0.5, -1.0, 2.0], dtype=np.float32), np.array([1.0, 0.5, -0.25], dtype=np.float32)]
PRINTS = True
