"""Newton steps on a small spring-chain energy: gradients and tf.hessians of a Python loop."""
import numpy as np
import tensorflow as tf

rest = tf.constant(1.0, dtype=tf.float64)
stiffness = [1.0, 2.0, 0.5]


def spring(a, b, k):
    return 0.5 * k * (tf.abs(b - a) - rest) ** 2


def energy(x):
    total = tf.constant(0.0, dtype=tf.float64)
    for i, k in enumerate(stiffness):
        total = total + spring(x[i], x[i + 1], k)
    return total + 0.1 * tf.reduce_sum(x * x)


@tf.function
def newton_step(x):
    e = energy(x)
    g = tf.gradients(e, x)[0]
    h = tf.hessians(e, x)[0]
    # One damped Newton iteration of x, solved by a few Richardson iterations (no linalg.solve).
    step = g
    for _ in range(20):
        step = step + 0.1 * (g - tf.linalg.matmul(h, tf.reshape(step, [-1, 1]))[:, 0])
    return x - step, e, g, h


def main():
    x = np.array([0.0, 0.8, 2.5, 3.1], np.float64)
    energies = []
    for _ in range(3):
        x, e, g, h = newton_step(x)
        energies.append(float(np.asarray(e)))
    return {"x": np.asarray(x), "energies": np.array(energies), "last_grad": np.asarray(g),
            "last_hessian": np.asarray(h)}


if __name__ == "__main__":
    print(main())
