"""tf.hessians with gate_gradients=True and EXPERIMENTAL_TREE on a 2-D x (values unchanged)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    y = tf.reduce_sum(tf.matmul(x, x) * x) + tf.reduce_sum(tf.tanh(x))
    return tf.hessians(y, x, gate_gradients=True, aggregation_method=tf.AggregationMethod.EXPERIMENTAL_TREE)

ARGS = [np.array([[0.5, -1.0], [2.0, 0.25]], dtype=np.float32)]
