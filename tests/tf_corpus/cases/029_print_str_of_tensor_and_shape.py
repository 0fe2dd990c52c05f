"""PRINTS: str() of a gradient tensor, of a rank tensor, and of a shape; float64 dtype in the repr."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    r = tf.rank(x)
    print(r)
    print(x.shape)
    g = tf.gradients(tf.reduce_mean(x), x)[0]
    print(g)
    print([g, None, r])
    return g

ARGS = [np.ones((2, 3), dtype=np.float64)]
PRINTS = True
