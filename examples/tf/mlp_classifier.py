"""One SGD step of a two-layer MLP classifier with softmax cross-entropy and L2 regularisation."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(1)
features = tf.constant(rng.normal(size=(16, 5)).astype(np.float32))
labels = tf.constant(np.eye(4, dtype=np.float32)[rng.integers(0, 4, 16)])


def dense(x, w, b, activation=None):
    y = tf.matmul(x, w) + b
    return activation(y) if activation is not None else y


@tf.function
def step(w1, b1, w2, b2):
    hidden = dense(features, w1, b1, tf.nn.relu)
    logits = dense(hidden, w2, b2)
    xent = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    reg = 1e-3 * (tf.nn.l2_loss(w1) + tf.nn.l2_loss(w2))
    loss = xent + reg
    grads = tf.gradients(loss, [w1, b1, w2, b2])
    return loss, grads


def main():
    w1 = (rng.normal(size=(5, 8)) * 0.5).astype(np.float32)
    b1 = np.zeros(8, np.float32)
    w2 = (rng.normal(size=(8, 4)) * 0.5).astype(np.float32)
    b2 = np.zeros(4, np.float32)
    loss, grads = step(w1, b1, w2, b2)
    out = {"loss": np.asarray(loss)}
    for name, g in zip(["dw1", "db1", "dw2", "db2"], grads):
        out[name] = np.asarray(g)
    return out


if __name__ == "__main__":
    print(main())
