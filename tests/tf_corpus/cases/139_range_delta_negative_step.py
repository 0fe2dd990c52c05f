"""tf.range with start/limit/delta, a negative step and a float delta used as weights."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    r1 = tf.cast(tf.range(5, 0, -2), tf.float32)
    r2 = tf.range(0.0, 1.0, 0.25)
    r3 = tf.cast(tf.range(1, 10, delta=3), tf.float32)
    y = tf.reduce_sum(x[:3] * r1) + tf.reduce_sum(x[:4] * x[:4] * r2) + tf.reduce_sum(tf.exp(x[1:4] * r3 * 0.1))
    return r1, r2, r3, tf.gradients(y, x)

ARGS = [np.array([1.0, -1.0, 0.5, 2.0, 0.0], dtype=np.float32)]
