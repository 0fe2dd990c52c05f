"""gradc.print (tf.print): values printed when the compiled code runs, formatted as TF does."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import gradc as tf
from gradc.api.printing import format_tensor


def test_prints_at_run_time_on_every_call(capsys: pytest.CaptureFixture[str]) -> None:
    @tf.function
    def f(x):
        y = x * 2
        tf.print("runtime", y, tf.reduce_sum(y))
        return tf.gradients(tf.reduce_sum(y * y), x)

    f(np.array([1.0, 2.0], np.float32))
    f(np.array([3.0, 4.0], np.float32))  # cached: printing is at run time, not trace time
    assert capsys.readouterr().err == "runtime [2 4] 6\nruntime [6 8] 14\n"


def test_stream_sep_end_and_eager(capsys: pytest.CaptureFixture[str]) -> None:
    @tf.function
    def f(x):
        tf.print(x, x > 1.0, output_stream=sys.stdout, sep="|", end="!\n")
        return x + 1.0

    np.testing.assert_array_equal(f(np.array([1.0, 2.5], np.float32)), [2.0, 3.5])
    tf.print("eager", tf.constant([1, 2]))
    out = capsys.readouterr()
    assert out.out == "[1 2.5]|[0 1]!\n" and out.err == "eager [1 2]\n"


def test_tensorflow_number_formatting() -> None:
    # Strings as TF 2.21's tf.print writes them (FloatToBuffer, summarize=3).
    assert format_tensor(np.array(1 / 3, np.float32)) == "0.333333343"
    assert format_tensor(np.array([1e-7, 1e10, -0.0, np.inf, np.nan], np.float32)) == "[1e-07 1e+10 -0 inf nan]"
    assert format_tensor(np.array([1 / 3, 0.1])) == "[0.33333333333333331 0.1]"
    assert format_tensor(np.arange(20)) == "[0 1 2 ... 17 18 19]"
    assert format_tensor(np.array([[1.5, 2.0], [3.25, 4.0]], np.float32)) == "[[1.5 2]\n [3.25 4]]"
    assert format_tensor(np.arange(24).reshape(2, 3, 4)).startswith("[[[0 1 2 3]\n  [4 5 6 7]")


def test_cond_with_a_python_bool_is_a_type_error() -> None:
    @tf.function
    def f(x):
        return tf.cond(True, lambda: x, lambda: -x)

    with pytest.raises(TypeError, match="pred must not be a Python bool"):
        f(np.ones(2, np.float32))


def test_shape_lists_may_hold_static_tensors() -> None:
    @tf.function
    def f(x):
        flat = tf.reshape(x, [tf.shape(x)[0], -1])
        return flat, x[tf.newaxis], tf.tile(x, [tf.shape(x)[0] - 1, 1, 1])

    flat, expanded, tiled = f(np.ones((2, 3, 2), np.float32))
    assert flat.shape == (2, 6) and expanded.shape == (1, 2, 3, 2) and tiled.shape == (2, 3, 2)
