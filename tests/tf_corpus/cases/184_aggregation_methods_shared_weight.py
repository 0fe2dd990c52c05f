"""A weight shared by four uses (via a helper) differentiated with every aggregation method; values agree."""
import tensorflow as tf
import numpy as np

def use(h, w):
    return tf.sin(h * w)

@tf.function
def f(x, w):
    y = tf.reduce_sum(use(x, w) + use(x * 2.0, w) + use(x - 1.0, w) + w * w)
    out = []
    for m in [None, tf.AggregationMethod.ADD_N, tf.AggregationMethod.EXPERIMENTAL_TREE,
              tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N]:
        out.append(tf.gradients(y, [w, x], aggregation_method=m))
    return out

ARGS = [np.array([0.5, -1.0, 2.0], dtype=np.float32), np.array([1.0, 0.5, -0.25], dtype=np.float32)]
