"""tf.cond with a Python bool predicate (a `training` flag passed to a helper) -> TypeError in TF 2.21."""
import tensorflow as tf
import numpy as np

def maybe_scale(x, training):
    return tf.cond(training, lambda: x * 0.5, lambda: x)

@tf.function
def f(x):
    y = maybe_scale(x, True)
    return tf.gradients(tf.reduce_sum(y), x)

ARGS = [np.array([1.0, -2.0, 0.5], dtype=np.float32)]
EXPECT_ERROR = "TypeError"
