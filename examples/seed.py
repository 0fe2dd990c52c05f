"""The seed programs: TensorFlow graph-mode gradients, unchanged, compiled natively by gradc."""
import gradc as tf


@tf.function
def gfg():
    a = tf.ones([1, 2])
    b = 5 * a
    g1 = tf.gradients([b + a], [a])
    print("res: ", g1)
    return g1


@tf.function
def gfg_mul():
    a = tf.ones([1, 2])
    b = 5 * a
    g1 = tf.gradients([b], [a])
    print("res: ", g1)
    return g1


if __name__ == "__main__":
    print(gfg())  # res:  [<gradc.Tensor 'gradients/AddN:0' ...>]  then [array([[6., 6.]], dtype=float32)]
    print(gfg_mul())  # res:  [<gradc.Tensor 'gradients/mul_grad/Mul_1:0' ...>]  then [array([[5., 5.]], ...)]
