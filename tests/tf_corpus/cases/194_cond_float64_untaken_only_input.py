"""float64 cond whose false branch alone reads w (zeros for w when true is taken), nested in a loop
over two predicates, with a constant-only branch output."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    out = []
    for t in (0.0, 10.0):
        z = tf.cond(tf.reduce_sum(x) > t, lambda: tf.reduce_sum(x * x), lambda: tf.reduce_sum(w) + 1.0)
        out.append(tf.gradients(z, [x, w]))
    return out

ARGS = [np.array([1.0, 2.0, 3.0], dtype=np.float64), np.array([0.5, -0.5, 2.0], dtype=np.float64)]
