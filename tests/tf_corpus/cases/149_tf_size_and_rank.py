"""tf.size and tf.rank used as values (mean over elements), gradient does not flow through them."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x):
    n = tf.size(x)
    r = tf.rank(x)
    loss = tf.reduce_sum(x * x) / tf.cast(n, tf.float32) + tf.cast(r, tf.float32)
    return n, r, loss, tf.gradients(loss, x)

ARGS = [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)]
