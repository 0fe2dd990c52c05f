"""aggregation_method='tree' (a string) -> ValueError, even without any aggregation."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    return tf.gradients(tf.exp(x), x, aggregation_method="tree")

ARGS = [np.array([1.0], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
