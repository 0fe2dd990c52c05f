"""Registry entries of the surface ops: kernels vs NumPy, ViewMaps vs kernels, TF errors,
and the TF names of staged op functions (evaluated with the reference interpreter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import gradc as tf
from gradc.compiler.errors import DTypeError, ShapeError
from gradc.compiler.ir.builder import Builder, check_inference
from gradc.compiler.ir.core import Function
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import Assemble, Expand, View
from gradc.compiler.ops.shape import read_view
from gradc.runtime.interpreter import interpret
from gradc.tracing import Trace, tracing, wrap


def _types(arrays: list[np.ndarray]) -> list[TensorType]:
    return [TensorType(tuple(a.shape), DType.from_np(a.dtype)) for a in arrays]


def run(opdef: str, arrays: list[Any], attrs: dict[str, Any] | None = None, **kw: Any) -> list[np.ndarray]:
    """Infer + kernel; the result must match the inferred types and the op's ViewMaps.

    `attrs` (if given) is normalised in place, as the builder does.
    """
    attrs = kw if attrs is None else attrs
    arrays = [np.asarray(a) for a in arrays]
    od = registry.get(opdef)
    outs_t = check_inference(od, _types(arrays), attrs, od.tf_type)
    outs = od.kernel(arrays, attrs)
    assert [(o.shape, o.dtype) for o in outs] == [(t.shape, t.dtype.np) for t in outs_t]
    spec = od.lowering
    if isinstance(spec, View):
        for o, vm in zip(outs, spec.fn(_types(arrays), outs_t, attrs), strict=True):
            np.testing.assert_array_equal(read_view(arrays[vm.operand], vm).reshape(o.shape), o)
    if isinstance(spec, Assemble):
        flat = np.zeros(outs[0].size, outs[0].dtype)
        for vm in spec.fn(_types(arrays), outs_t[0], attrs):
            idx = read_view(np.arange(flat.size), vm)
            flat[idx.reshape(-1)] = arrays[vm.operand].reshape(-1)
        np.testing.assert_array_equal(flat.reshape(outs[0].shape), outs[0])
    return outs


A = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
M = np.arange(6, dtype=np.float32).reshape(2, 3)


# -- layout ops ---------------------------------------------------------------------------------


@pytest.mark.parametrize("perm", [None, (2, 0, 1), (0, 2, 1), (-1, 0, 1)])
def test_transpose(perm: Any) -> None:
    attrs = {"perm": perm}
    (out,) = run("transpose", [A], attrs)
    want = np.transpose(A, None if perm is None else [p % 3 for p in perm])
    np.testing.assert_array_equal(out, want)
    assert all(p >= 0 for p in attrs["perm"])


def test_transpose_errors() -> None:
    with pytest.raises(ValueError, match="Dimension must be 3 but is 2"):
        run("transpose", [A], perm=(0, 1))
    with pytest.raises(ValueError, match="missing"):
        run("transpose", [A], perm=(0, 0, 1))


@pytest.mark.parametrize("axis", [0, 1, 3, -1, -4])
def test_expand_dims(axis: int) -> None:
    attrs = {"axis": axis}
    (out,) = run("expand_dims", [A], attrs)
    np.testing.assert_array_equal(out, np.expand_dims(A, axis))
    assert attrs["axis"] >= 0
    with pytest.raises(ValueError, match="Tried to expand dim index 5"):
        run("expand_dims", [A], axis=5)


def test_squeeze() -> None:
    x = np.arange(6, dtype=np.float32).reshape(1, 3, 1, 2)
    attrs: dict[str, Any] = {"axes": None}
    np.testing.assert_array_equal(run("squeeze", [x], attrs)[0], x.reshape(3, 2))
    assert attrs["axes"] == (0, 2)
    attrs = {"axes": [-2]}
    np.testing.assert_array_equal(run("squeeze", [x], attrs)[0], x.reshape(1, 3, 2))
    assert attrs["axes"] == (2,)
    with pytest.raises(ValueError, match=r"Can not squeeze dim\[1\]"):
        run("squeeze", [x], axes=(1,))


def test_broadcast_to_and_tile() -> None:
    r = np.array([1.0, 2.0, 3.0], np.float32)
    np.testing.assert_array_equal(run("broadcast_to", [r], shape=(2, 3))[0], np.broadcast_to(r, (2, 3)))
    c = r.reshape(3, 1)
    np.testing.assert_array_equal(run("broadcast_to", [c], shape=(2, 3, 4))[0], np.broadcast_to(c, (2, 3, 4)))
    with pytest.raises(ValueError, match="Unable to broadcast"):
        run("broadcast_to", [r], shape=(2, 4))
    np.testing.assert_array_equal(run("tile", [M], multiples=(2, 3))[0], np.tile(M, (2, 3)))
    np.testing.assert_array_equal(run("tile", [A], multiples=(1, 2, 1))[0], np.tile(A, (1, 2, 1)))
    with pytest.raises(ValueError, match="Dimension must be 2 but is 1"):
        run("tile", [M], multiples=(2,))


def test_slice() -> None:
    attrs = {"begin": (1, 0, 1), "size": (1, -1, 2)}
    np.testing.assert_array_equal(run("slice", [A], attrs)[0], A[1:2, :, 1:3])
    assert attrs["size"] == (1, 3, 2)
    with pytest.raises(ValueError, match=r"Expected size\[1\] in \[0, 2\]"):
        run("slice", [A], begin=(0, 1, 0), size=(1, 3, 1))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat(axis: int) -> None:
    b = A + 100
    (out,) = run("concat", [A, b, A], axis=axis)
    np.testing.assert_array_equal(out, np.concatenate([A, b, A], axis=axis))


def test_concat_errors() -> None:
    with pytest.raises(ValueError, match="Dimension 1 in both shapes must be equal"):
        run("concat", [M, np.zeros((2, 4), np.float32)], axis=0)
    with pytest.raises(TypeError, match="don't all match"):
        run("concat", [M, M.astype(np.int32)], axis=0)
    with pytest.raises(ValueError, match="ConcatOp : Expected concatenating dimensions"):
        run("concat", [M, M], axis=2)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_pack_unpack(axis: int) -> None:
    (out,) = run("pack", [M, M + 10, M + 20], axis=axis)
    np.testing.assert_array_equal(out, np.stack([M, M + 10, M + 20], axis=axis))
    parts = run("unpack", [out], axis=axis, num=None)
    assert len(parts) == 3
    for i, p in enumerate(parts):
        np.testing.assert_array_equal(p, M + 10 * i)
    with pytest.raises(ValueError, match="Shapes must be equal rank"):
        run("pack", [M, M[0]], axis=0)


# -- strided slices -----------------------------------------------------------------------------

KEYS: list[Any] = [
    0,
    -1,
    (slice(None), slice(1, 3)),
    (Ellipsis, -1),
    (1, slice(None, None, -1)),
    slice(None, None, -1),
    (None, 0),
    (slice(None), None, 2),
    (Ellipsis, None),
    (slice(2, 0, -1),),
    (slice(-1, None, -2), 1, 0),
    (slice(5, 9),),
    (0, Ellipsis, slice(None, None, -3)),
    (slice(None), slice(3, 1)),
]


@pytest.mark.parametrize("key", KEYS)
def test_strided_slice_matches_numpy(key: Any) -> None:
    from gradc.api.slicing import slice_attrs

    attrs = slice_attrs(A.shape, key)
    (out,) = run("strided_slice", [A], **attrs)
    np.testing.assert_array_equal(out, A[key])
    # The gradient writes dy back through the same map into zeros.
    dy = np.arange(out.size, dtype=np.float32).reshape(out.shape) + 1
    (grad,) = run("strided_slice_grad", [dy], shape=A.shape, **attrs)
    want = np.zeros_like(A)
    want[key] = dy
    np.testing.assert_array_equal(grad, want)


def test_strided_slice_errors() -> None:
    from gradc.api.slicing import slice_attrs

    with pytest.raises(ValueError, match="out of bounds"):
        slice_attrs((2, 3), (5,))
    with pytest.raises(ValueError, match="Index out of range"):
        slice_attrs((2, 3), (0, 0, 0))
    with pytest.raises(TypeError, match="valid indices"):
        slice_attrs((2, 3), ([0, 1],))
    with pytest.raises(ValueError, match="Incompatible shapes"):
        run(
            "strided_slice_grad",
            [np.zeros(3, np.float32)],
            shape=(2, 3),
            **slice_attrs((2, 3), (0, slice(0, 2))),
        )


# -- matmul, nn ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul(ta: bool, tb: bool) -> None:
    a = np.arange(6, dtype=np.float64).reshape((3, 2) if ta else (2, 3))
    b = np.arange(12, dtype=np.float64).reshape((4, 3) if tb else (3, 4))
    (out,) = run("matmul", [a, b], transpose_a=ta, transpose_b=tb)
    np.testing.assert_allclose(out, (a.T if ta else a) @ (b.T if tb else b))


def test_matmul_errors() -> None:
    a, b = np.zeros((2, 3), np.float32), np.zeros((4, 5), np.float32)
    with pytest.raises(
        ValueError, match=r"Dimensions must be equal, but are 3 and 4 for '\{\{node MatMul\}\}"
    ):
        run("matmul", [a, b])
    with pytest.raises(TypeError, match="does not match"):
        run("matmul", [a, np.zeros((3, 2), np.float64)])
    with pytest.raises(ValueError, match="2-D"):
        run("matmul", [np.zeros((2, 2, 3), np.float32), np.zeros((3, 2), np.float32)])


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_nn_kernels() -> None:
    x = np.array([[1.0, 2.0, 3.0], [1.0, -1.0, 1000.0]], np.float32)
    np.testing.assert_allclose(run("softmax", [x])[0], _softmax(x), rtol=1e-6)
    shifted = x.astype(np.float64) - x.max(-1, keepdims=True)
    want = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))  # stable: no log(0) for the 1000 row
    np.testing.assert_allclose(run("log_softmax", [x])[0], want, rtol=1e-5)
    np.testing.assert_allclose(run("l2_loss", [x[0]])[0], 7.0)
    labels = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]], np.float32)
    logits = np.array([[1.0, 2.0, 3.0], [1.0, -1.0, 0.0]], np.float32)
    loss, backprop = run("softmax_xent", [logits, labels])
    np.testing.assert_allclose(loss, [1.4076, 1.5076], atol=1e-4)
    np.testing.assert_allclose(backprop, _softmax(logits) - labels, atol=1e-6)
    with pytest.raises(ValueError, match="same size"):
        run("softmax_xent", [logits, labels[:, :2]])
    with pytest.raises(TypeError, match="not in the list of allowed values"):
        run("softmax", [np.zeros((2, 2), np.int32)])


def _expand(opdef: str, arrays: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Run an op's Expand lowering through the interpreter next to its own kernel."""
    fn = Function("f")
    b = Builder(fn)
    args = [b.add_arg(f"a{i}", t) for i, t in enumerate(_types(arrays))]
    op = b.create(opdef, args, {})
    spec = registry.get(opdef).lowering
    assert isinstance(spec, Expand)
    fn.outputs = list(op.results) + list(spec.fn(b, op))
    outs = interpret(fn, arrays)
    n = len(op.results)
    return outs[:n], outs[n:]


@pytest.mark.parametrize(
    "opdef,arrays",
    [
        ("softmax", [np.array([[1.0, 2.0, 3.0], [5.0, -1.0, 1000.0]], np.float32)]),
        ("log_softmax", [np.array([[1.0, 2.0, 3.0], [5.0, -1.0, 1000.0]])]),
        ("l2_loss", [A]),
        (
            "softmax_xent",
            [np.array([[1.0, 2.0, 3.0], [1.0, -1.0, 0.0]]), np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])],
        ),
        ("shape", [A]),
        ("rank", [A]),
        ("size", [A]),
    ],
)
def test_expansions_match_kernels(opdef: str, arrays: list[np.ndarray]) -> None:
    direct, expanded = _expand(opdef, arrays)
    for d, e in zip(direct, expanded, strict=True):
        assert d.dtype == e.dtype and d.shape == e.shape
        np.testing.assert_allclose(d, e, rtol=1e-6)


def test_queries_and_no_op() -> None:
    assert run("shape", [A])[0].tolist() == [2, 3, 4]
    assert run("rank", [A])[0] == 3 and run("size", [A])[0] == 24
    assert run("no_op", [A, M]) == []
    assert not registry.get("no_op").differentiable and not registry.get("shape").differentiable


# -- staged op functions: TF names and interpreted values ---------------------------------------


def stage(body: Callable[..., Any], *arrays: np.ndarray) -> tuple[Function, list[Any], list[np.ndarray]]:
    fn = Function("f")
    b = Builder(fn)
    with tracing(Trace(fn, b)):
        xs = [wrap(b.add_arg(n, t)) for n, t in zip("xyzw", _types(list(arrays)), strict=False)]
        outs = body(*xs)
        fn.outputs = [o.value for o in outs]
    return fn, outs, interpret(fn, list(arrays))


def test_staged_names_spec_9_2() -> None:
    def body(x: Any, y: Any) -> list[Any]:
        return [
            x + y,
            tf.add(x, y),
            x - y,
            tf.subtract(x, y),
            x * y,
            tf.multiply(x, y),
            x / y,
            tf.divide(x, y),
            -x,
            tf.negative(x),
            x**y,
            tf.pow(x, y),
            tf.matmul(x, y, transpose_b=True),
            x @ tf.transpose(y),
            abs(x),
            tf.abs(x),
            tf.where(x > y, x, y),
            tf.transpose(x),
            tf.concat([x, y], 0),
            tf.stack([x, y]),
            x[0],
            tf.reduce_sum(x),
            tf.reduce_mean(x, 0),
            tf.reduce_max(x, [0, 1]),
            tf.reduce_min(x),
            tf.reduce_prod(x, keepdims=True),
            tf.square(x),
            tf.nn.relu(x),
            tf.nn.softmax(x),
            tf.nn.log_softmax(x),
            tf.nn.l2_loss(x),
            tf.reshape(x, [-1]),
            tf.expand_dims(x, 0),
            tf.squeeze(tf.expand_dims(x, 0)),
            tf.broadcast_to(x[0], [2, 3]),
            tf.tile(x, [1, 2]),
            tf.fill([2], 1.0),
            tf.sigmoid(x),
            tf.nn.sigmoid(x),
            tf.math.log(x),
            tf.identity(x),
            tf.cast(x, tf.float64),
            tf.rank(x),
        ]

    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
    _, outs, vals = stage(body, x, x[::-1].copy())
    names = [o.name for o in outs]
    assert names == [
        # TF unique-ifies case-insensitively: `x + y` then tf.add -> add, Add_1 (spec §9.2).
        "add:0",
        "Add_1:0",
        "sub:0",
        "Sub_1:0",
        "mul:0",
        "Mul_1:0",
        "truediv:0",
        "truediv_1:0",
        "Neg:0",
        "Neg_1:0",
        "pow:0",
        "Pow_1:0",
        "MatMul:0",
        "matmul_1:0",
        "Abs:0",
        "Abs_1:0",
        "SelectV2:0",
        "transpose_1:0",
        "concat:0",
        "stack:0",
        "strided_slice:0",
        "Sum:0",
        "Mean:0",
        "Max:0",
        "Min:0",
        "Prod:0",
        "Square:0",
        "Relu:0",
        "Softmax:0",
        "LogSoftmax:0",
        "L2Loss:0",
        "Reshape:0",
        "ExpandDims:0",
        "Squeeze:0",
        "BroadcastTo:0",
        "Tile:0",
        "Fill:0",
        "Sigmoid:0",
        "Sigmoid_1:0",
        "Log:0",
        "Identity:0",
        "Cast:0",
        "Rank:0",
    ]
    y = x[::-1]
    np.testing.assert_allclose(vals[12], x @ y.T)
    np.testing.assert_allclose(vals[16], np.maximum(x, y))
    np.testing.assert_allclose(vals[29], np.log(_softmax(x.astype(np.float64))), rtol=1e-5)


def test_staged_scalar_constants_stay_in_op_scope() -> None:
    def body(x: Any) -> list[Any]:
        return [x * 2.0, 2 * x, tf.reduce_sum(x), tf.constant(1.0), x / 2, tf.constant(3.0)]

    fn, outs, vals = stage(body, np.ones((2,), np.float32))
    # Python scalars live under the op's scope (mul/y); reduce_sum's axis Const is consumed.
    assert [o.name for o in outs] == ["mul:0", "mul_1:0", "Sum:0", "Const_1:0", "truediv:0", "Const_2:0"]
    assert {op.name for op in fn.ops if op.opdef == "constant"} >= {"mul/y", "mul_1/x", "truediv/y"}
    assert outs[1].dtype == tf.float32
    np.testing.assert_allclose(vals[4], [0.5, 0.5])


def test_staged_composites_names_and_values() -> None:
    def body(x: Any, y: Any) -> list[Any]:
        return [
            tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x),
            tf.math.reduce_logsumexp(x),
            tf.math.reduce_logsumexp(x, axis=1, keepdims=True),
        ]

    logits = np.array([[1.0, 2.0, 3.0], [1.0, -1.0, 0.0]], np.float32)
    labels = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]], np.float32)
    fn, outs, vals = stage(body, logits, labels)
    assert outs[0].name == "softmax_cross_entropy_with_logits/Reshape_2:0"
    ops = {op.name: op for op in fn.ops}
    assert ops["softmax_cross_entropy_with_logits"].opdef == "softmax_xent"
    assert [v.name for v in ops["softmax_cross_entropy_with_logits"].operands] == [
        "softmax_cross_entropy_with_logits/Reshape:0",
        "softmax_cross_entropy_with_logits/Reshape_1:0",
    ]
    assert outs[1].name == "ReduceLogSumExp:0" and outs[2].name == "ReduceLogSumExp_1:0"
    assert "ReduceLogSumExp/Exp" in ops and ops["ReduceLogSumExp/StopGradient"].opdef == "stop_gradient"
    np.testing.assert_allclose(vals[0], [1.4076, 1.5076], atol=1e-4)
    lse = np.log(np.exp(logits.astype(np.float64)).sum())
    np.testing.assert_allclose(vals[1], lse, rtol=1e-6)
    np.testing.assert_allclose(
        vals[2], np.log(np.exp(logits.astype(np.float64)).sum(1, keepdims=True)), rtol=1e-6
    )


def test_staged_errors() -> None:
    def bad_matmul(x: Any, y: Any) -> list[Any]:
        return [tf.matmul(x, y)]

    with pytest.raises(
        ValueError, match=r"Dimensions must be equal, but are 3 and 4 for '\{\{node MatMul\}\}"
    ):
        stage(bad_matmul, np.zeros((2, 3), np.float32), np.zeros((4, 5), np.float32))
    with pytest.raises(TypeError):
        stage(lambda x, y: [x + y], np.zeros(2, np.float32), np.zeros(2, np.int32))
    with pytest.raises(ValueError, match="Cannot reshape"):
        stage(lambda x: [tf.reshape(x, [4])], np.zeros((2, 3), np.float32))
    with pytest.raises(DTypeError):
        stage(lambda x: [tf.where(x, x, x)], np.zeros(2, np.float32))
    with pytest.raises(ShapeError):
        stage(lambda x: [x[3]], np.zeros(2, np.float32))
