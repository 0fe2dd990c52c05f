"""tf.gradients reached through two plain helpers from an undecorated f -> RuntimeError (eager)."""
import tensorflow as tf
import numpy as np

def loss_fn(w):
    return tf.reduce_sum(w * w)

def grads(w):
    return tf.gradients(loss_fn(w), [w])

def f(x):
    return grads(tf.constant(x) * 2.0)

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
EXPECT_ERROR = "RuntimeError"
