"""A helper passes aggregation_method=3 (not 0/1/2) for a model gradient -> ValueError."""
import tensorflow as tf
import numpy as np

def model_grads(x, w, method):
    h = tf.tanh(tf.matmul(x, w))
    return tf.gradients(tf.reduce_sum(h * h), w, aggregation_method=method)

@tf.function
def f(x, w):
    return model_grads(x, w, 3)

ARGS = [np.array([[1.0, 2.0]], dtype=np.float32), np.array([[0.5], [-0.5]], dtype=np.float32)]
EXPECT_ERROR = "ValueError"
