"""Row-blocked matrix-vector chains (rowblocks.py): recognised in the plan, equal to the
interpreter and to the unfused path, for regression-like programs of many shapes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import gradc
from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function, Value
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.lowering.llvm import lower, rowblocks
from gradc.runtime.interpreter import interpret
from gradc.runtime.jit import compile_function

F32, F64 = DType.float32, DType.float64
CHAIN = "row-blocked chain"


def _logreg(n: int, k: int, dt: DType, contract_first: bool = True) -> Function:
    """Logistic regression with hand-written gradients: loss, dw (k x 1 or 1 x k), db."""
    fn = Function("logreg")
    b = Builder(fn)
    x = b.add_arg("x", TensorType((n, k), dt))
    y = b.add_arg("y", TensorType((n, 1), dt))
    w = b.add_arg("w", TensorType((k, 1), dt))
    bias = b.add_arg("b", TensorType((1,), dt))
    z = b.emit("add", b.emit("matmul", x, w), bias)
    term = b.emit("add", b.emit("sub", b.emit("maximum", z, b.constant(0.0, dt)), b.emit("mul", z, y)),
                  b.emit("log1p", b.emit("exp", b.emit("neg", b.emit("abs", z)))))
    loss = b.emit("mean", term, axes=(0, 1), keepdims=False)
    r = b.emit("mul", b.emit("sub", b.emit("sigmoid", z), y), b.constant(1.0 / n, dt))
    dw = b.emit("matmul", x, r, transpose_a=True) if contract_first else b.emit("matmul", r, x, transpose_a=True)
    fn.outputs = [loss, dw, b.emit("sum", r, axes=(0,), keepdims=False)]
    return fn


def _linreg(n: int, k: int, m: int, dt: DType, tb: bool = False) -> Function:
    """Least squares with m targets: loss = mean((X @ W - Y)^2), dW = X^T @ (2/(n m)) (X @ W - Y)."""
    fn = Function("linreg")
    b = Builder(fn)
    x = b.add_arg("x", TensorType((n, k), dt))
    yy = b.add_arg("y", TensorType((n, m), dt))
    w = b.add_arg("w", TensorType((m, k) if tb else (k, m), dt))
    e = b.emit("sub", b.emit("matmul", x, w, transpose_b=tb), yy)
    loss = b.emit("mean", b.emit("mul", e, e), axes=(0, 1), keepdims=False)
    g = b.emit("mul", e, b.constant(2.0 / (n * m), dt))
    fn.outputs = [loss, b.emit("matmul", x, g, transpose_a=True)]
    return fn


def _inputs(fn: Function, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for a in fn.args:
        v = rng.standard_normal(a.type.shape)
        if a.name == "y" and a.type.shape[1] == 1 and fn.name == "logreg":
            v = (v > 0).astype(np.float64)
        out.append(v.astype(a.type.dtype.np))
    return out


def _check(fn: Function, chain: bool = True) -> None:
    lm = lower(fn)
    assert (CHAIN in lm.llvm_ir) == chain, lm.llvm_ir.split("; ModuleID")[0]
    args = _inputs(fn)
    got = compile_function(fn)(*args)
    unfused = compile_function(fn, fuse=False)(*args)
    want = interpret(fn, args)
    tol = 2e-5 if fn.args[0].type.dtype is F32 else 1e-11
    for g, u, w in zip(got, unfused, want, strict=True):
        scale = max(1.0, float(np.max(np.abs(w))))
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol * scale)
        np.testing.assert_allclose(g, u, rtol=tol, atol=tol * scale)


# n: smaller than a block, not a multiple of the block, several blocks (k = 64: 512 rows each).
@pytest.mark.parametrize("n", [1, 7, 100, 513, 2050, 5000])
@pytest.mark.parametrize("dt", [F32, F64])
def test_logistic_regression_chain(n: int, dt: DType) -> None:
    _check(_logreg(n, 64, dt))


@pytest.mark.parametrize("k", [1, 3, 17, 200])
def test_logistic_regression_widths(k: int) -> None:
    _check(_logreg(1234, k, F32))


def test_contraction_as_r_transposed_times_x() -> None:
    _check(_logreg(3001, 33, F32, contract_first=False))


@pytest.mark.parametrize("n,k,m", [(10, 4, 1), (999, 8, 2), (4099, 64, 3), (3000, 16, 16)])
@pytest.mark.parametrize("tb", [False, True])
@pytest.mark.parametrize("dt", [F32, F64])
def test_linear_regression_chain(n: int, k: int, m: int, tb: bool, dt: DType) -> None:
    _check(_linreg(n, k, m, dt, tb))


def _half(kind: str) -> Function:
    fn = Function(kind)
    b = Builder(fn)
    x = b.add_arg("x", TensorType((3000, 24), F32))
    v = b.add_arg("v", TensorType((24, 1) if kind == "forward" else (3000, 1), F32))
    if kind == "forward":  # gemv -> elementwise: the predictions are never stored whole
        t = b.emit("tanh", b.emit("matmul", x, v))
        fn.outputs = [b.emit("sum", t, axes=(0, 1), keepdims=False)]
    else:  # elementwise -> gemv^T
        fn.outputs = [b.emit("matmul", x, b.emit("sigmoid", v), transpose_a=True)]
    return fn


@pytest.mark.parametrize("kind", ["forward", "backward"])
def test_chain_halves(kind: str) -> None:
    _check(_half(kind))
    lm = lower(_half(kind))
    assert "scratch: none" not in lm.llvm_ir  # the product / the sigmoid: one block, not n rows
    if kind == "backward":
        assert lm.plan.workspace_size < 3000 * 4


def _no_chain(build: Callable[[Builder], tuple[list[Value], list[Value]]]) -> Function:
    fn = Function("plain")
    build(Builder(fn))
    return fn


def test_programs_that_do_not_match_still_work() -> None:
    def wide(b: Builder) -> tuple[list[Value], list[Value]]:  # W is too large for a block
        x = b.add_arg("x", TensorType((300, 64), F32))
        w = b.add_arg("w", TensorType((64, 600), F32))
        z = b.emit("tanh", b.emit("matmul", x, w))
        b.fn.outputs = [b.emit("matmul", x, z, transpose_a=True)]
        return [x, w], b.fn.outputs

    def reads_mean(b: Builder) -> tuple[list[Value], list[Value]]:  # centring needs the full mean
        x = b.add_arg("x", TensorType((700, 8), F32))
        w = b.add_arg("w", TensorType((8, 1), F32))
        z = b.emit("matmul", x, w)
        c = b.emit("sub", z, b.emit("mean", z, axes=(0, 1), keepdims=True))
        b.fn.outputs = [b.emit("matmul", x, c, transpose_a=True)]
        return [x, w], b.fn.outputs

    _check(_no_chain(wide), chain=False)
    fn = _no_chain(reads_mean)
    plan = lower(fn).llvm_ir.split("; ModuleID")[0]  # the subtraction needs the whole mean first
    assert f"{CHAIN} [2..3]: 700 rows in blocks of 700 (loop -> matmul^T)" in plan and plan.count(CHAIN) == 1
    _check(fn)


def test_disabled_row_blocks_give_the_unblocked_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    fn = _logreg(2000, 64, F32)
    monkeypatch.setattr(rowblocks, "ROW_BLOCK_BYTES", 0)
    lm = lower(fn)
    assert CHAIN not in lm.llvm_ir and lm.fusion is not None and len(lm.fusion.nodes) == 3
    _check(fn, chain=False)


def test_w4_through_the_frontend_plans_one_chain() -> None:
    @gradc.function
    def step(x, y, w, b):  # noqa: ANN001, ANN202
        z = gradc.matmul(x, w) + b
        loss = gradc.reduce_mean(gradc.maximum(z, 0.0) - z * y + gradc.math.log1p(gradc.exp(-gradc.abs(z))))
        dw, db = gradc.gradients(loss, [w, b])
        return loss, dw, db

    rng = np.random.default_rng(4)
    x = rng.standard_normal((5003, 64)).astype(np.float32)
    y = (rng.standard_normal((5003, 1)) > 0).astype(np.float32)
    w = (0.1 * rng.standard_normal((64, 1))).astype(np.float32)
    b = np.zeros([1], np.float32)
    text = step.lower(x, y, w, b).as_text("llvm")
    assert f"{CHAIN} [0..2]: 5003 rows in blocks of 512 (matmul -> loop -> matmul^T)" in text
    loss, dw, db = step(x, y, w, b)
    z = x.astype(np.float64) @ w + b
    r = (1 / (1 + np.exp(-z)) - y) / len(x)
    np.testing.assert_allclose(dw, x.T.astype(np.float64) @ r, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(db, r.sum(0), rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(loss, np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))), rtol=1e-5)


def test_two_products_over_one_matrix_and_reductions_of_the_product() -> None:
    def build(b: Builder) -> tuple[list[Value], list[Value]]:
        x = b.add_arg("x", TensorType((10001, 8), F32))
        w = b.add_arg("w", TensorType((8, 1), F32))
        z = b.emit("matmul", x, w)
        s, m = b.emit("sum", z, axes=(0,), keepdims=False), b.emit("max", z, axes=(0, 1), keepdims=False)
        h = b.emit("exp", b.emit("matmul", x, w, name="again"))
        b.fn.outputs = [s, m, b.emit("matmul", x, b.emit("tanh", z), transpose_a=True),
                        b.emit("matmul", x, h, transpose_a=True)]
        return [x, w], b.fn.outputs

    fn = _no_chain(build)
    assert "(matmul -> matmul -> loop -> matmul^T -> matmul^T)" in lower(fn).llvm_ir
    _check(fn)


def test_a_contraction_next_to_an_unrelated_loop_is_not_blocked() -> None:
    def build(b: Builder) -> tuple[list[Value], list[Value]]:  # an MLP backward step's shape
        x = b.add_arg("x", TensorType((2000, 16), F32))
        g = b.add_arg("g", TensorType((2000, 4), F32))
        h = b.add_arg("h", TensorType((2000, 4), F32))
        b.fn.outputs = [b.emit("matmul", x, g, transpose_a=True), b.emit("tanh", h)]
        return [x, g, h], b.fn.outputs

    _check(_no_chain(build), chain=False)
