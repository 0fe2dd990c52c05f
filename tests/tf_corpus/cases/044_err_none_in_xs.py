"""None inside xs -> AttributeError."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    return tf.gradients(x * x, [x, None])

ARGS = [np.array([1.0], dtype=np.float32)]
EXPECT_ERROR = "AttributeError"
