"""Second derivative of Huber (where) and squared hinge (maximum) losses, summed: piecewise curvature."""
import tensorflow as tf
import numpy as np

@tf.function
def f(e):
    a = tf.abs(e)
    huber = tf.where(a <= 1.0, 0.5 * e * e, a - 0.5)
    hinge = tf.square(tf.maximum(0.0, 1.0 - e))
    g = tf.gradients(tf.reduce_sum(huber + hinge), e)[0]
    return g, tf.gradients(g, e)

ARGS = [np.array([-2.0, -0.5, 0.5, 1.5, 3.0], dtype=np.float32)]
