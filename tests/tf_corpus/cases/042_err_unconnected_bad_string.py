"""unconnected_gradients='Zero' (wrong case) -> ValueError even before any graph work."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    return tf.gradients(x * 2.0, x, unconnected_gradients="Zero")

ARGS = [np.array([1.0], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
