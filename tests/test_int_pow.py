"""Integer pow with a negative exponent raises TF's InvalidArgumentError (issue 9 §5).

Recorded with TensorFlow 2.21 (int32 and int64 alike): eagerly `tf.pow(2, -1)` raises
InvalidArgumentError "... Integers to negative integer powers are not allowed [Op:Pow]"; inside
a tf.function with the exponent an input, the call raises InvalidArgumentError "Graph execution
error: Detected at node pow defined at ... Integers to negative integer powers are not allowed
[[{{node pow}}]]" for every base (2, 0, 1, -1) and for any negative element of a vector
exponent; with a constant exponent it fails too (grappler's Reciprocal rewrite then has no int
kernel). gradc used to return 1 (the exponent clamped at 0).
"""

from __future__ import annotations

import numpy as np
import pytest

import gradc as tf

TF_MESSAGE = "Integers to negative integer powers are not allowed"


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("base", [2, 0, 1, -1])
def test_negative_exponent_input_raises_at_run_time(dtype: type, base: int) -> None:
    @tf.function
    def f(a, b):
        return a ** b

    with pytest.raises(tf.errors.InvalidArgumentError, match=TF_MESSAGE) as info:
        f(dtype(base), dtype(-1))
    msg = str(info.value)
    assert "return a ** b" in msg and "{{node pow}}" in msg  # names the user's line and node
    assert f(dtype(base), dtype(2)) == base ** 2  # the same compiled code, valid exponent


def test_any_negative_element_raises_on_every_call_path() -> None:
    @tf.function
    def f(a, b):
        return tf.pow(a, b) + 1

    a = np.array([2, 3], np.int64)
    np.testing.assert_array_equal(f(a, np.array([1, 2], np.int64)), [3, 10])
    for _ in range(3):  # compiled, then cached fast paths: each must check
        with pytest.raises(tf.errors.InvalidArgumentError, match=TF_MESSAGE):
            f(a, np.array([1, -1], np.int64))
    np.testing.assert_array_equal(f(a, np.array([0, 1], np.int64)), [2, 4])


def test_exponent_computed_in_the_function() -> None:
    @tf.function
    def f(a, b):
        return a ** (b - 3)

    assert f(np.int32(2), np.int32(5)) == 4
    with pytest.raises(tf.errors.InvalidArgumentError, match=TF_MESSAGE):
        f(np.int32(2), np.int32(2))
    assert f(np.float32(2), np.float32(2)) == 0.5  # floats take negative powers


def test_constant_negative_exponent() -> None:
    @tf.function
    def f(a):
        return tf.pow(a, -2)

    with pytest.raises(tf.errors.InvalidArgumentError, match=TF_MESSAGE) as info:
        f(np.int32(2))
    assert "return tf.pow(a, -2)" in str(info.value)


def test_eager() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match=TF_MESSAGE):
        tf.pow(tf.constant(1), tf.constant(-1))
    with pytest.raises(tf.errors.InvalidArgumentError, match=TF_MESSAGE):
        tf.constant([2, 3], tf.int64) ** tf.constant([1, -1], tf.int64)
    assert int(tf.pow(tf.constant(2), tf.constant(3))) == 8


def test_untaken_cond_branch_does_not_raise() -> None:
    @tf.function
    def f(a, b, p):
        return tf.cond(p, lambda: a ** b, lambda: a * 0)

    assert f(np.int32(2), np.int32(-1), np.bool_(False)) == 0
    with pytest.raises(tf.errors.InvalidArgumentError, match=TF_MESSAGE):
        f(np.int32(2), np.int32(-1), np.bool_(True))


def test_reference_interpreter_raises_too() -> None:
    @tf.function(interpret=True)
    def f(a, b):
        return a ** b

    with pytest.raises(tf.errors.InvalidArgumentError, match=TF_MESSAGE):
        f(np.int32(3), np.int32(-2))


def test_ahead_of_time_refuses_with_the_reason() -> None:
    from gradc.runtime.aot import compile_aot

    @tf.function
    def f(a, b):
        return a ** b

    with pytest.raises(ValueError, match="integer pow"):
        compile_aot(f, [np.int32([2, 3]), np.int32([1, 2])])
