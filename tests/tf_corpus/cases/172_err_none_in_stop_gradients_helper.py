"""stop_gradients list built by a helper contains None (optional tensor absent) -> AttributeError."""
import tensorflow as tf
import numpy as np

def frozen(*ts):
    return list(ts)

@tf.function
def f(x):
    h = tf.sin(x)
    y = tf.reduce_sum(h * x)
    return tf.gradients(y, x, stop_gradients=frozen(h, None))

ARGS = [np.array([1.0, 2.0], dtype=np.float32)]
EXPECT_ERROR = "AttributeError"
