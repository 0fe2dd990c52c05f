"""Valid programs gradc used to reject (issue 9 §5, the probe's "rejects-valid" rows).

Each expected value was recorded with TensorFlow 2.21 running the same program under
`import tensorflow as tf`; the comment on each test says what gradc did before.
Dtypes gradc does not compile at all (float16, uint8, int16: TF accepts them) are not here.
"""

from __future__ import annotations

import numpy as np
import pytest

import gradc as tf


def _out(r):  # results as plain nested Python values
    return np.asarray(r).tolist()


# -- keyword-only, *args, **kwargs (was: TypeError "too many positional arguments") ----------


def test_keyword_only_with_default_given_by_keyword() -> None:
    @tf.function
    def f(x, *, scale=2.0):
        return x * scale

    assert _out(f(np.float32([1, 2]))) == [2.0, 4.0]
    assert _out(f(np.float32([1, 2]), scale=3.0)) == [3.0, 6.0]


def test_required_keyword_only() -> None:
    @tf.function
    def f(x, *, scale):
        return x * scale

    assert _out(f(np.float32([1, 2]), scale=3.0)) == [3.0, 6.0]
    assert _out(f(np.float32([1, 2]), scale=np.float32(4))) == [4.0, 8.0]  # a tensor keyword
    with pytest.raises(TypeError, match="scale"):
        f(np.float32([1, 2]))  # Python's error for the missing argument


def test_varargs_with_keyword() -> None:
    @tf.function
    def f(*xs, scale=1.0):
        return tf.add_n(list(xs)) * scale

    assert _out(f(np.float32(1), np.float32(2), scale=2.0)) == 6.0


def test_var_keyword() -> None:
    @tf.function
    def f(x, **kw):
        return x * kw["s"] + kw["t"]

    assert _out(f(np.float32(1), s=np.float32(2), t=3.0)) == 5.0


def test_dict_argument() -> None:  # was: TypeError "unsupported argument type dict"
    @tf.function
    def f(d):
        return d["a"] + d["b"]

    assert _out(f({"b": np.float32([2]), "a": np.float32([1])})) == [3.0]


# -- input_signature -------------------------------------------------------------------------


def test_nested_input_signature() -> None:  # was: "takes 1 tensor arguments, got 2"
    @tf.function(input_signature=[[tf.TensorSpec([2], tf.float32), tf.TensorSpec([2], tf.float32)]])
    def f(xs):
        return xs[0] + xs[1]

    assert _out(f([np.float32([1, 2]), np.float32([3, 4])])) == [4.0, 6.0]
    assert _out(f([[1, 2], [3, 4]])) == [4.0, 6.0]  # Python lists convert per spec
    with pytest.raises(TypeError):  # TF: "Can not cast (...) to list type."
        f((np.float32([1, 2]), np.float32([3, 4])))


def test_dict_input_signature() -> None:
    @tf.function(input_signature=[{"a": tf.TensorSpec([2], tf.float32), "b": tf.TensorSpec([], tf.int32)}])
    def f(d):
        return d["a"] * tf.cast(d["b"], tf.float32)

    assert _out(f({"a": [1.0, 2.0], "b": 3})) == [3.0, 6.0]


def test_unknown_rank_spec() -> None:  # was: TypeError 'NoneType' object is not iterable
    @tf.function(input_signature=[tf.TensorSpec(shape=None, dtype=tf.float32)])
    def f(x):
        return tf.reduce_sum(x)

    assert _out(f(np.float32(2))) == 2.0
    assert _out(f(np.ones((2, 2, 2), np.float32))) == 8.0


def test_python_values_convert_to_the_spec() -> None:  # was: "takes 1 tensor arguments, got 0"
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        return x * 2

    @tf.function(input_signature=[tf.TensorSpec([], tf.int32)])
    def g(x):
        return x * 2

    assert _out(f([1.0, 2.0])) == [2.0, 4.0]
    assert _out(f([True, False])) == [2.0, 0.0]
    assert _out(g(3)) == 6
    with pytest.raises(TypeError, match="1.5"):  # TF: Cannot convert [1.5, 2] to EagerTensor of dtype int32
        g(1.5)


def test_numpy_arrays_are_cast_to_the_spec() -> None:  # was: ValueError "expected ... dtype float32"
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        return x * 2

    @tf.function(input_signature=[tf.TensorSpec([None], tf.int32)])
    def g(x):
        return x * 2

    r = f(np.float64([1.5, 2.0]))
    assert r.dtype == np.float32 and _out(r) == [3.0, 4.0]
    assert _out(f(np.int64([1, 2]))) == [2.0, 4.0]
    assert _out(f(np.array([True, False]))) == [2.0, 0.0]
    assert _out(g(np.float32([1.5, 2.0]))) == [2, 4]  # TF truncates, as astype does
    with pytest.raises(TypeError):  # an EagerTensor of another dtype is not cast (TF: "Can not cast")
        f(tf.constant([1.0, 2.0], tf.float64))


def test_keyword_arguments_with_input_signature() -> None:
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        return x * 2

    assert _out(f(x=[1.0])) == [2.0]


# -- big-endian arrays (was: TypeError "expected dtype float32, got float32", then garbage) ---


def test_big_endian_arrays_convert() -> None:
    @tf.function
    def f(x):
        return x * 2

    assert _out(f(np.arange(3, dtype="<f4"))) == [0.0, 2.0, 4.0]
    for _ in range(3):  # every call path (a failed first call used to leave a fast path that
        r = f(np.arange(3, dtype=">f4"))  # read the big-endian bytes as native ones)
        assert r.dtype == np.float32 and r.dtype.isnative and _out(r) == [0.0, 2.0, 4.0]
    assert _out(f(np.arange(3, dtype=">i4"))) == [0, 2, 4]
    assert _out(f(np.arange(3, dtype=">f8"))) == [0.0, 2.0, 4.0]


def test_big_endian_first_call() -> None:
    @tf.function
    def f(x, y):
        return x - y

    for _ in range(3):
        assert _out(f(np.float32([5, 6]).astype(">f4"), np.float32([1, 1]).astype(">f4"))) == [4.0, 5.0]


_BIG_ENDIAN_WEIGHTS = np.arange(3, dtype=">f4")


def test_big_endian_constants_inside_a_function() -> None:  # was: silently read as native bytes
    @tf.function
    def f(x):
        return x + _BIG_ENDIAN_WEIGHTS + tf.constant(np.arange(3, dtype=">i8")).shape[0]

    assert _out(f(np.ones(3, np.float32))) == [4.0, 5.0, 6.0]

    @tf.function
    def g(x):
        return x + tf.constant(np.arange(3, dtype=">i8"))

    assert _out(g(np.int64([1, 1, 1]))) == [1, 2, 3]


# -- methods and Python-object arguments ------------------------------------------------------


class _Scale:
    def __init__(self, w: float) -> None:
        self.w = np.float32(w)

    @tf.function
    def __call__(self, x):
        return x * self.w


def test_method() -> None:  # was: TypeError "missing a required argument: 'x'"
    assert _out(_Scale(3)(np.float32([1, 2]))) == [3.0, 6.0]
    assert _out(_Scale(4)(np.float32([1, 2]))) == [4.0, 8.0]  # one trace per instance


def test_callable_and_enum_arguments() -> None:  # was: "unsupported argument type function"
    import enum

    class Mode(enum.Enum):
        A = 1
        B = 2

    @tf.function
    def f(x, fn, mode, dtype):
        y = fn(x)
        return tf.cast(y * 2 if mode is Mode.A else y * 3, dtype)

    assert _out(f(np.float32([1, 2]), tf.square, Mode.B, tf.float64)) == [3.0, 12.0]
    assert _out(f(np.float32([1, 2]), tf.square, Mode.A, tf.float64)) == [2.0, 8.0]
