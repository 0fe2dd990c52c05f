"""tf.gradients called from a plain (not tf.function) helper -> RuntimeError."""
import tensorflow as tf
import numpy as np

def f(x):
    t = tf.constant(x)
    return tf.gradients(t * t, t)

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
EXPECT_ERROR = "RuntimeError"
