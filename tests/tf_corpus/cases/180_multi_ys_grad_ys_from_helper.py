"""ys built in a loop with grad_ys mixing tensors, None and a Python list, produced by a helper."""
import tensorflow as tf
import numpy as np

def seeds(ys):
    out = []
    for i, y in enumerate(ys):
        if i == 1:
            out.append(None)
        elif i == 2:
            out.append([0.5, -0.5])
        else:
            out.append(tf.ones_like(y) * float(i + 1))
    return out

@tf.function
def f(x, w):
    ys = [x * w, tf.exp(x), tf.sin(w) * x]
    return tf.gradients(ys, [x, w], grad_ys=seeds(ys))

ARGS = [np.array([1.0, 2.0], dtype=np.float32), np.array([0.5, -1.0], dtype=np.float32)]
