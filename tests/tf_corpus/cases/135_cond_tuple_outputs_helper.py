"""tf.cond with nested-def branches returning tuples (three outputs), unpacked and combined."""
import tensorflow as tf
import numpy as np

def branchy(x, y, flip):
    def yes():
        return x * y, tf.exp(x), y + 1.0
    def no():
        return y, x * x, x - y
    return tf.cond(flip, yes, no)

@tf.function
def f(x, y):
    a, b, c = branchy(x, y, tf.reduce_sum(x) < tf.reduce_sum(y))
    d, e, g = branchy(y, x, tf.reduce_sum(x) < tf.reduce_sum(y))
    loss = tf.reduce_sum(a * b + c) + tf.reduce_sum(d + e * g)
    return tf.gradients(loss, [x, y])

ARGS = [np.array([0.5, 1.0], dtype=np.float32), np.array([2.0, -0.5], dtype=np.float32)]
