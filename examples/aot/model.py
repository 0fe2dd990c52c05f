"""An AOT example: a loss and its gradients, compiled to an object file with a C ABI.

    gradc compile examples/aot/model.py --emit obj,header -o build/model
    cc -Ibuild examples/aot/main.c build/model.o -lm -o build/main && build/main

Run as a script it prints the JIT's results for the inputs main.c uses, for comparison.
"""
import numpy as np

import gradc as tf


@tf.function(input_signature=[tf.TensorSpec([4, 3], tf.float32), tf.TensorSpec([3, 2], tf.float32)])
def loss_grad(x, w):
    loss = tf.reduce_sum(tf.tanh(tf.matmul(x, w))) + 0.01 * tf.reduce_sum(tf.exp(w))
    return loss, tf.gradients(loss, [x, w])


def example_inputs() -> tuple[np.ndarray, np.ndarray]:
    """The inputs main.c builds (exact in float32): x[i] = (i%7)/4 - 3/4, w[j] = (j%5)/8 - 1/4."""
    x = (np.arange(12) % 7 * 0.25 - 0.75).astype(np.float32).reshape(4, 3)
    w = (np.arange(6) % 5 * 0.125 - 0.25).astype(np.float32).reshape(3, 2)
    return x, w


if __name__ == "__main__":
    loss, (gx, gw) = loss_grad(*example_inputs())
    print("loss", loss)
    print("grad_x", gx.ravel())
    print("grad_w", gw.ravel())
