"""`if x.shape[0] > 2` and `if len(x.shape) == 2` choose Python-side code paths at trace time."""
import tensorflow as tf
import numpy as np

def pool(x):
    if x.shape[0] > 2:
        return tf.reduce_max(x, axis=0)
    return tf.reduce_mean(x, axis=0)

@tf.function
def f(a, b):
    pa = pool(a)
    pb = pool(b)
    if len(a.shape) == 2 and a.shape[1] == pb.shape[0]:
        y = tf.reduce_sum(pa * pb)
    else:
        y = tf.reduce_sum(pa)
    return tf.gradients(y, [a, b])

ARGS = [np.array([[1.0, 5.0], [3.0, 2.0], [0.0, 4.0]], dtype=np.float32),
        np.array([[1.0, -1.0], [2.0, 0.5]], dtype=np.float32)]
