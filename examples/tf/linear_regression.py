"""Linear regression trained with plain gradient descent, written as TensorFlow users write it."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
X = tf.constant(rng.normal(size=(64, 3)).astype(np.float32))
true_w = tf.constant([[1.5], [-2.0], [0.5]])
Y = tf.matmul(X, true_w) + 0.3


def predict(x, w, b):
    return tf.matmul(x, w) + b


def mse(pred, target):
    return tf.reduce_mean(tf.square(pred - target))


@tf.function
def train_step(w, b, lr):
    loss = mse(predict(X, w, b), Y)
    dw, db = tf.gradients(loss, [w, b])
    return w - lr * dw, b - lr * db, loss


def main():
    w = np.zeros((3, 1), np.float32)
    b = np.zeros((1,), np.float32)
    losses = []
    for _ in range(50):
        w, b, loss = train_step(w, b, 0.1)
        losses.append(float(np.asarray(loss)))
    return {"w": np.asarray(w), "b": np.asarray(b), "losses": np.array(losses, np.float32)}


if __name__ == "__main__":
    print(main())
