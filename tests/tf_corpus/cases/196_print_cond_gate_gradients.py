"""PRINTS: gate_gradients=True and the tree aggregation method through a cond."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, w):
    z = tf.cond(tf.reduce_mean(x) > 0.0, lambda: x * w + x, lambda: tf.exp(w) * x)
    loss = tf.reduce_sum(z * x)
    g = tf.gradients(loss, [x, w], gate_gradients=True)
    h = tf.gradients(loss + tf.reduce_sum(w * x), [x, w],
                     aggregation_method=tf.AggregationMethod.EXPERIMENTAL_TREE)
    print(g, h)
    return g, h

ARGS = [np.array([1.0, -0.5], dtype=np.float32), np.array([0.25, 2.0], dtype=np.float32)]
PRINTS = True
