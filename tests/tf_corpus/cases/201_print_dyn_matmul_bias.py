"""PRINTS: a dense layer on an unknown batch: [None, 4] @ [4, 2] + bias, squared loss."""
import tensorflow as tf
import numpy as np

@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32), tf.TensorSpec([4, 2], tf.float32),
                              tf.TensorSpec([2], tf.float32)])
def f(x, w, b):
    h = tf.matmul(x, w) + b
    loss = tf.reduce_mean(tf.square(h))
    g = tf.gradients(loss, [x, w, b])
    g2 = tf.gradients(tf.reduce_sum(tf.nn.relu(h) * h), [h])
    print(g)
    print(g2)
    return g + g2

ARGS = [np.arange(12, dtype=np.float32).reshape(3, 4) / 10 - 0.5,
        np.array([[0.5, -1.0], [1.0, 0.25], [-0.5, 0.5], [0.1, 0.2]], dtype=np.float32),
        np.array([0.1, -0.2], dtype=np.float32)]
PRINTS = True
