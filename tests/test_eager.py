"""Eager mode (outside any function): every op function runs its kernel at once on NumPy,
with TF's dtype rules, errors and namespaces."""

from __future__ import annotations

import numpy as np
import pytest

import gradc as tf

X = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]], np.float32)


def test_arithmetic_and_python_scalars() -> None:
    x = tf.constant(X)
    assert isinstance(x * 2, tf.EagerTensor)
    r = 2 * x + 1.5
    assert r.dtype == tf.float32
    np.testing.assert_allclose(r.numpy(), 2 * X + 1.5)
    np.testing.assert_allclose((x - 1).numpy(), X - 1)
    np.testing.assert_allclose((1 - x).numpy(), 1 - X)
    np.testing.assert_allclose((x / 2).numpy(), X / 2)
    np.testing.assert_allclose((x**2).numpy(), X**2)
    np.testing.assert_allclose(tf.pow(x, 3).numpy(), X**3)
    np.testing.assert_allclose((-x).numpy(), -X)
    np.testing.assert_allclose(abs(x).numpy(), np.abs(X))
    np.testing.assert_allclose(tf.maximum(x, 0.0).numpy(), np.maximum(X, 0))
    np.testing.assert_allclose(tf.minimum(x, [0.0, 1.0, 2.0]).numpy(), np.minimum(X, [0, 1, 2]))


def test_broadcasting() -> None:
    row = tf.constant([10.0, 20.0, 30.0])
    col = tf.constant([[1.0], [2.0]])
    np.testing.assert_allclose(tf.add(tf.constant(X), row).numpy(), X + [10, 20, 30])
    np.testing.assert_allclose(tf.multiply(col, row).numpy(), np.array([[1.0], [2.0]]) * [10, 20, 30])
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.add(tf.constant(X), tf.constant([1.0, 2.0]))


def test_unary_math() -> None:
    p = tf.constant([0.5, 1.0, 4.0])
    a = np.array([0.5, 1.0, 4.0], np.float32)
    for fn, ref in [
        (tf.square, np.square),
        (tf.sqrt, np.sqrt),
        (tf.exp, np.exp),
        (tf.sin, np.sin),
        (tf.cos, np.cos),
        (tf.tanh, np.tanh),
        (tf.sign, np.sign),
        (tf.math.log, np.log),
        (tf.math.log1p, np.log1p),
        (tf.math.rsqrt, lambda v: 1 / np.sqrt(v)),
        (tf.math.reciprocal, lambda v: 1 / v),
        (tf.sigmoid, lambda v: 1 / (1 + np.exp(-v))),
        (tf.nn.relu, lambda v: np.maximum(v, 0)),
    ]:
        np.testing.assert_allclose(fn(p).numpy(), ref(a), rtol=1e-6)


def test_comparisons_logic_where() -> None:
    x = tf.constant(X)
    np.testing.assert_array_equal(tf.greater(x, 0).numpy(), X > 0)
    np.testing.assert_array_equal(tf.less_equal(x, 1.0).numpy(), X <= 1)
    np.testing.assert_array_equal(tf.equal(x, 3.0).numpy(), X == 3)
    np.testing.assert_array_equal(tf.not_equal(x, 3.0).numpy(), X != 3)
    a, b = tf.constant([True, False, True]), tf.constant([True, True, False])
    np.testing.assert_array_equal(tf.logical_and(a, b).numpy(), [True, False, False])
    np.testing.assert_array_equal(tf.logical_or(a, b).numpy(), [True, True, True])
    np.testing.assert_array_equal(tf.math.logical_xor(a, b).numpy(), [False, True, True])
    np.testing.assert_array_equal(tf.logical_not(a).numpy(), [False, True, False])
    w = tf.where(x > 0, x, 0.0)  # the Python scalar takes x's dtype
    assert w.dtype == tf.float32
    np.testing.assert_allclose(w.numpy(), np.where(X > 0, X, 0))
    d = tf.where(tf.constant([True, False]), tf.constant([1.0, 2.0], tf.float64), 7)
    assert d.dtype == tf.float64 and d.numpy().tolist() == [1.0, 7.0]
    with pytest.raises(TypeError):
        tf.where(x, x, x)  # condition must be bool


def test_dtype_rules() -> None:
    i = tf.constant([1, 2, 3])
    assert i.dtype == tf.int32 and tf.range(6.0).dtype == tf.float32 and tf.range(3).dtype == tf.int32
    q = tf.divide(i, 2)
    assert q.dtype == tf.float64 and q.numpy().tolist() == [0.5, 1.0, 1.5]
    assert (i / i).dtype == tf.float64
    assert tf.reduce_mean(tf.constant([1, 2])).numpy() == 1  # integer mean truncates
    assert tf.reduce_mean(tf.constant([-1, -2])).numpy() == -1
    with pytest.raises(TypeError):
        tf.add(tf.constant([1.0]), tf.constant([1], tf.int32))
    with pytest.raises(TypeError):
        tf.constant([1.0], tf.float32) + tf.constant([1.0], tf.float64)
    c = tf.constant([1.0, 2.0])
    assert tf.cast(c, tf.float32) is c  # no op when the dtype already matches
    assert tf.cast(c, tf.int32).numpy().tolist() == [1, 2]
    assert tf.cast(c, "float64").dtype == tf.float64


def test_creation() -> None:
    assert tf.ones([2, 3]).numpy().tolist() == [[1.0] * 3] * 2
    assert tf.zeros(2, tf.int32).dtype == tf.int32
    assert tf.fill([2], 3.0).numpy().tolist() == [3.0, 3.0]
    x = tf.constant(X)
    assert tf.ones_like(x).shape == (2, 3) and tf.zeros_like(x, dtype=tf.int64).dtype == tf.int64
    assert tf.identity(x).numpy().tolist() == X.tolist()
    assert tf.stop_gradient(x).numpy().tolist() == X.tolist()
    np.testing.assert_allclose(tf.range(1, 2, 0.25).numpy(), [1.0, 1.25, 1.5, 1.75])
    assert tf.range(10, 0, -3).numpy().tolist() == [10, 7, 4, 1]
    assert tf.range(3, dtype=tf.float64).dtype == tf.float64
    with pytest.raises(ValueError):
        tf.range(0, 5, 0)
    assert tf.constant(2.0, shape=[2, 2]).numpy().tolist() == [[2.0, 2.0], [2.0, 2.0]]


def test_reductions() -> None:
    x = tf.constant(X)
    np.testing.assert_allclose(tf.reduce_sum(x).numpy(), X.sum())
    np.testing.assert_allclose(tf.reduce_sum(x, -1).numpy(), X.sum(-1))
    np.testing.assert_allclose(tf.reduce_mean(x, [0, 1]).numpy(), X.mean())
    np.testing.assert_allclose(tf.reduce_max(x, 0, keepdims=True).numpy(), X.max(0, keepdims=True))
    np.testing.assert_allclose(tf.reduce_min(x, axis=(1,)).numpy(), X.min(1))
    np.testing.assert_allclose(tf.reduce_prod(x, 1).numpy(), X.prod(1))
    np.testing.assert_allclose(tf.math.reduce_sum(x, 0).numpy(), X.sum(0))
    lse = tf.math.reduce_logsumexp(x, axis=1)
    np.testing.assert_allclose(lse.numpy(), np.log(np.exp(X.astype(np.float64)).sum(1)), rtol=1e-6)
    np.testing.assert_allclose(tf.reduce_logsumexp(tf.constant([1.0, 1.0, -np.inf])).numpy(), 1 + np.log(2))
    assert np.isneginf(tf.math.reduce_logsumexp(tf.constant([-np.inf, -np.inf])).numpy())
    big = tf.math.reduce_logsumexp(tf.constant([1000.0, 1000.0]))
    np.testing.assert_allclose(big.numpy(), 1000 + np.log(2))  # stable: no overflow
    with pytest.raises(ValueError, match="Invalid reduction dimension"):
        tf.reduce_sum(x, 2)


def test_layout() -> None:
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = tf.constant(a)
    assert tf.reshape(x, [4, -1]).shape == (4, 6)
    with pytest.raises(ValueError, match="Cannot reshape"):
        tf.reshape(x, [5, -1])
    np.testing.assert_array_equal(tf.transpose(x).numpy(), a.T)
    np.testing.assert_array_equal(tf.transpose(x, perm=[1, 0, 2]).numpy(), a.transpose(1, 0, 2))
    assert tf.expand_dims(x, -1).shape == (2, 3, 4, 1)
    assert tf.squeeze(tf.expand_dims(x, 1)).shape == (2, 3, 4)
    assert tf.squeeze(tf.ones([1, 2, 1]), axis=[2]).shape == (1, 2)
    np.testing.assert_array_equal(tf.concat([x, x], axis=-1).numpy(), np.concatenate([a, a], -1))
    np.testing.assert_array_equal(tf.stack([x, x], axis=1).numpy(), np.stack([a, a], 1))
    parts = tf.unstack(x, axis=2)
    assert isinstance(parts, list) and len(parts) == 4
    np.testing.assert_array_equal(parts[3].numpy(), a[:, :, 3])
    np.testing.assert_array_equal(tf.broadcast_to(tf.constant([1, 2]), [3, 2]).numpy(), [[1, 2]] * 3)
    np.testing.assert_array_equal(tf.tile(tf.constant([[1, 2]]), [2, 2]).numpy(), [[1, 2, 1, 2]] * 2)
    assert tf.shape(x).numpy().tolist() == [2, 3, 4] and tf.shape(x).dtype == tf.int32
    assert tf.rank(x).numpy() == 3 and tf.size(x).numpy() == 24


def test_matmul() -> None:
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    x = tf.constant(a)
    np.testing.assert_allclose(tf.matmul(x, x, transpose_b=True).numpy(), a @ a.T)
    np.testing.assert_allclose(tf.linalg.matmul(x, x, transpose_a=True).numpy(), a.T @ a)
    np.testing.assert_allclose((x @ tf.transpose(x)).numpy(), a @ a.T)
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tf.matmul(x, x)


def test_indexing() -> None:
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = tf.constant(a)
    for key in [
        0,
        -1,
        (slice(None), slice(1, 3)),
        (Ellipsis, -1),
        (1, slice(None, None, -1)),
        slice(None, None, -1),
        (None, 1, Ellipsis, None),
        (slice(None), 2, slice(3, 0, -2)),
    ]:
        np.testing.assert_array_equal(x[key].numpy(), a[key])
    assert x[tf.constant(1)].shape == (3, 4)
    with pytest.raises(ValueError):
        x[2]
    with pytest.raises(TypeError):
        x[[0, 1]]


def test_nn() -> None:
    x = np.array([[1.0, 2.0, 3.0], [1.0, -1.0, 0.0]], np.float32)
    e = np.exp(x - x.max(-1, keepdims=True))
    sm = e / e.sum(-1, keepdims=True)
    np.testing.assert_allclose(tf.nn.softmax(tf.constant(x)).numpy(), sm, rtol=1e-6)
    e0 = np.exp(x - x.max(0, keepdims=True))
    np.testing.assert_allclose(tf.nn.softmax(tf.constant(x), axis=0).numpy(), e0 / e0.sum(0), rtol=1e-6)
    np.testing.assert_allclose(tf.nn.log_softmax(tf.constant(x)).numpy(), np.log(sm), rtol=1e-5)
    np.testing.assert_allclose(tf.nn.l2_loss(tf.constant(x)).numpy(), (x * x).sum() / 2)
    np.testing.assert_allclose(tf.nn.sigmoid(tf.constant(x)).numpy(), 1 / (1 + np.exp(-x)), rtol=1e-6)
    np.testing.assert_allclose(tf.nn.tanh(tf.constant(x)).numpy(), np.tanh(x), rtol=1e-6)
    labels = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]], np.float32)
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=tf.constant(labels), logits=tf.constant(x))
    np.testing.assert_allclose(loss.numpy(), [1.4076, 1.5076], atol=1e-4)
    loss0 = tf.nn.softmax_cross_entropy_with_logits(labels=labels.T, logits=x.T, axis=0)
    np.testing.assert_allclose(loss0.numpy(), [1.4076, 1.5076], atol=1e-4)
    one = tf.nn.softmax_cross_entropy_with_logits(labels=labels[0], logits=x[0])
    assert one.shape == ()


def test_add_n() -> None:
    a = tf.constant([1.0, 2.0])
    assert tf.add_n([a]) is a  # TF returns a single input unchanged
    assert tf.add_n([a, a, a]).numpy().tolist() == [3.0, 6.0]
    assert tf.math.add_n([a, a]).numpy().tolist() == [2.0, 4.0]


def test_namespaces() -> None:
    for n in ["log", "log1p", "rsqrt", "reciprocal", "logical_xor"]:
        assert not hasattr(tf, n) and hasattr(tf.math, n)
    assert hasattr(tf, "where") and not hasattr(tf.math, "where")
    assert hasattr(tf, "reduce_logsumexp") and hasattr(tf.math, "reduce_logsumexp")
    assert not hasattr(tf, "relu") and not hasattr(tf, "softmax") and not hasattr(tf, "l2_loss")
    for n in [
        "relu",
        "sigmoid",
        "tanh",
        "softmax",
        "log_softmax",
        "softmax_cross_entropy_with_logits",
        "l2_loss",
    ]:
        assert hasattr(tf.nn, n)
    assert tf.linalg.matmul is tf.matmul
    for n in [
        "add",
        "subtract",
        "multiply",
        "divide",
        "negative",
        "pow",
        "square",
        "sqrt",
        "exp",
        "sin",
        "cos",
        "tanh",
        "sigmoid",
        "abs",
        "sign",
        "maximum",
        "minimum",
        "equal",
        "not_equal",
        "less",
        "less_equal",
        "greater",
        "greater_equal",
        "logical_and",
        "logical_or",
        "logical_not",
    ]:
        assert getattr(tf, n) is getattr(tf.math, n)
    for n in [
        "constant",
        "ones",
        "zeros",
        "fill",
        "ones_like",
        "zeros_like",
        "identity",
        "cast",
        "range",
        "add_n",
        "reshape",
        "transpose",
        "expand_dims",
        "squeeze",
        "concat",
        "stack",
        "unstack",
        "broadcast_to",
        "tile",
        "matmul",
        "reduce_sum",
        "reduce_mean",
        "reduce_max",
        "reduce_min",
        "reduce_prod",
        "shape",
        "rank",
        "size",
        "stop_gradient",
    ]:
        assert callable(getattr(tf, n))
