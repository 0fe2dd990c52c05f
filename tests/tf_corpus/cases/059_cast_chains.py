"""Cast chains: f32->f64->f32, f64->f32->f64 and f32->int32->f32 (cut)."""
import tensorflow as tf
import numpy as np

@tf.function
def f(x, d):
    a = tf.cast(tf.cast(x, tf.float64) * 2.0, tf.float32)
    b = tf.cast(tf.cast(d, tf.float32) * x, tf.float64)
    c = tf.cast(tf.cast(x, tf.int32), tf.float32)
    return tf.gradients([a, c], x), tf.gradients(b, [x, d]), tf.gradients(tf.cast(b, tf.float32), d)

ARGS = [np.array([1.5, -2.5], dtype=np.float32), np.array([0.5, 3.0], dtype=np.float64)]
