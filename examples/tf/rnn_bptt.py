"""Backpropagation through time: an unrolled tanh RNN over a short sequence, with gate_gradients."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(2)
inputs = tf.constant(rng.normal(size=(4, 6, 3)).astype(np.float32))  # batch, time, features
targets = tf.constant(rng.normal(size=(4, 2)).astype(np.float32))


def cell(h, x, wx, wh, b):
    return tf.tanh(tf.matmul(x, wx) + tf.matmul(h, wh) + b)


@tf.function
def loss_and_grads(wx, wh, b, wo):
    h = tf.zeros([4, 5])
    steps = inputs.shape[1]
    for t in range(steps):
        h = cell(h, inputs[:, t, :], wx, wh, b)
    pred = tf.matmul(h, wo)
    loss = tf.reduce_mean(tf.square(pred - targets))
    grads = tf.gradients(loss, [wx, wh, b, wo], gate_gradients=True,
                         aggregation_method=tf.AggregationMethod.EXPERIMENTAL_TREE)
    return loss, grads


def main():
    wx = (rng.normal(size=(3, 5)) * 0.4).astype(np.float32)
    wh = (rng.normal(size=(5, 5)) * 0.4).astype(np.float32)
    b = np.zeros(5, np.float32)
    wo = (rng.normal(size=(5, 2)) * 0.4).astype(np.float32)
    loss, grads = loss_and_grads(wx, wh, b, wo)
    return {"loss": np.asarray(loss), **{n: np.asarray(g) for n, g in zip(["dwx", "dwh", "db", "dwo"], grads)}}


if __name__ == "__main__":
    print(main())
