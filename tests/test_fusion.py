"""Fusion plan, workspace reuse and BLAS matmul: plans are printable, fused == unfused == interpreter."""

from __future__ import annotations

import numpy as np
import pytest

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.lowering.llvm import lower
from gradc.runtime.interpreter import interpret
from gradc.runtime.jit import compile_function

F32 = DType.float32


def _w2(n: int) -> Function:
    fn = Function("w2")
    b = Builder(fn)
    x = b.add_arg("x", TensorType((n,), F32))
    t = b.emit("add", b.emit("mul", b.emit("sin", x), b.emit("exp", b.emit("neg", b.emit("mul", x, x)))),
               b.emit("mul", b.emit("tanh", x), x))
    fn.outputs = [b.emit("sum", t, axes=(0,)), b.emit("mul", t, x)]
    return fn


def test_elementwise_chain_and_reduction_are_one_loop() -> None:
    lm = lower(_w2(100))
    assert lm.fusion is not None and len(lm.fusion.nodes) == 1
    assert lm.llvm_ir.startswith("; fusion plan: 1 kernel(s)")
    assert lm.plan.workspace_size == 0  # no temporaries


@pytest.mark.parametrize("fuse", [True, False])
def test_fused_and_unfused_agree_with_interpreter(fuse: bool) -> None:
    fn = _w2(257)
    x = np.random.default_rng(0).uniform(-3, 3, 257).astype(np.float32)
    got = compile_function(fn, fuse=fuse)(x)
    for g, w in zip(got, interpret(fn, [x]), strict=True):
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=1e-5)


def test_workspace_reuse_shrinks_the_arena() -> None:
    fn = Function("chain")
    b = Builder(fn)
    v = b.add_arg("x", TensorType((64,), F32))
    for _ in range(6):
        v = b.emit("exp", v)
    fn.outputs = [v]
    no = lower(fn, fuse=False, reuse=False).plan
    yes = lower(fn, fuse=False).plan
    assert yes.workspace_size < no.workspace_size == yes.workspace_no_reuse
    assert all(s.index % 64 == 0 for s in yes.slots.values() if s.kind == "workspace")


@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
@pytest.mark.parametrize("dt", [DType.float32, DType.float64])
def test_blas_matmul_with_folded_transposes(ta: bool, tb: bool, dt: DType) -> None:
    fn = Function("mm")
    b = Builder(fn)
    a = b.add_arg("a", TensorType((5, 3) if ta else (3, 5), dt))
    c = b.add_arg("c", TensorType((4, 5) if tb else (5, 4), dt))
    fn.outputs = [b.emit("matmul", a, c, transpose_a=ta, transpose_b=tb)]
    lm = lower(fn)
    assert "gradc.sgemm" in lm.llvm_ir or "gradc.dgemm" in lm.llvm_ir
    assert "gemm" not in lower(fn, blas=False).llvm_ir
    rng = np.random.default_rng(1)
    xa, xc = (rng.standard_normal(v.type.shape).astype(dt.np) for v in fn.args)
    got = compile_function(fn)(xa, xc)[0]
    want = (xa.T if ta else xa) @ (xc.T if tb else xc)
    np.testing.assert_allclose(got, want, rtol=1e-5)


@pytest.mark.parametrize("m,k,n", [(7, 5, 1), (1, 5, 6), (1, 5, 1)])
@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_matrix_vector_products_use_gemv(m: int, k: int, n: int, ta: bool, tb: bool) -> None:
    fn = Function("mv")
    b = Builder(fn)
    a = b.add_arg("a", TensorType((k, m) if ta else (m, k), F32))
    c = b.add_arg("c", TensorType((n, k) if tb else (k, n), F32))
    fn.outputs = [b.emit("matmul", a, c, transpose_a=ta, transpose_b=tb)]
    assert "gradc.sgemv" in lower(fn).llvm_ir
    rng = np.random.default_rng(2)
    xa, xc = (rng.standard_normal(v.type.shape).astype(np.float32) for v in fn.args)
    want = (xa.T if ta else xa) @ (xc.T if tb else xc)
    np.testing.assert_allclose(compile_function(fn)(xa, xc)[0], want, rtol=1e-5, atol=1e-6)


def _chain(depth: int, n: int) -> Function:
    """W5's shape: x = x + 0.01*tanh(x) `depth` times, sum, and a product of all tanh values."""
    fn = Function("chain")
    b = Builder(fn)
    x = b.add_arg("x", TensorType((n,), F32))
    c = b.emit("constant", value=np.float32(0.01))
    g = x
    for _ in range(depth):
        t = b.emit("tanh", x)
        x = b.emit("add", x, b.emit("mul", c, t))
        g = b.emit("mul", g, t)
    fn.outputs = [b.emit("sum", x, axes=(0,)), g]
    return fn


@pytest.mark.parametrize("n", [513, 575, 576, 600, 808, 1000, 1024])  # tails < and >= a window
def test_blocked_runs_match_unblocked_bit_for_bit(n: int) -> None:
    from gradc.compiler.lowering.llvm import blocked

    fn = _chain(60, n)
    lm = lower(fn)
    assert "blocked" in lm.llvm_ir and lm.plan.workspace_size < 60 * n * 4  # scratch, not N
    x = np.random.default_rng(1).uniform(-1, 1, n).astype(np.float32)
    got = compile_function(fn)(x)
    old, blocked.BLOCK = blocked.BLOCK, 0
    try:
        want = compile_function(fn)(x)
    finally:
        blocked.BLOCK = old
    for g, w in zip(got, want, strict=True):
        assert np.array_equal(g.view(np.uint32), w.view(np.uint32))


@pytest.mark.parametrize("rows", [17, 1500])
def test_lane_split_reduction_beside_one_that_keeps_every_dimension(rows: int) -> None:
    """mean over rows (lane-split accumulator) and sum over a size-1 axis (one accumulator per
    element) in one loop group: the per-element one was never initialised or stored when the
    innermost loop was lane-split (found by a helper; NaN/garbage before the fix)."""
    import gradc

    @gradc.function
    def f(y: object) -> object:
        t = gradc.tanh(y)
        return gradc.reduce_mean(t, axis=0), gradc.reduce_sum(t, axis=1)

    y = np.random.default_rng(0).standard_normal((rows, 1)).astype(np.float32)
    lowered = f.lower(y)
    for got, want in zip(lowered(y), interpret(lowered.entry.ir, [y]), strict=True):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-7)


_LATE_VIEW = "\n".join([
    "func.func @late_view(%a: tensor<4xf32>, %c: tensor<1x1xi1>) {",
    '  %Tile = "gradc.tile"(%a) {name = "Tile", multiples = [2]} : (tensor<4xf32>) -> tensor<8xf32> loc(unknown)',
    '  %R = "gradc.reshape"(%Tile) {name = "R", shape = [2, 4]} : (tensor<8xf32>) -> tensor<2x4xf32> loc(unknown)',
    '  %S0 = "gradc.select"(%c, %R, %R) {name = "S0"}'
    " : (tensor<1x1xi1>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32> loc(unknown)",
    '  %Slice = "gradc.slice"(%Tile) {name = "Slice", begin = [1], size = [4]}'
    " : (tensor<8xf32>) -> tensor<4xf32> loc(unknown)",
    '  %S1 = "gradc.select"(%c, %S0, %Slice) {name = "S1"}'
    " : (tensor<1x1xi1>, tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc(unknown)",
    '  %T = "gradc.transpose"(%Slice) {name = "T", perm = [0]} : (tensor<4xf32>) -> tensor<4xf32> loc(unknown)',
    '  "func.return"(%S1, %T) : (tensor<2x4xf32>, tensor<4xf32>) -> ()',
    "}",
]) + "\n"


def test_view_materialised_after_a_loop_read_it_is_copied_first() -> None:
    """The loop {S0, S1} is placed while Slice is a folded view of Tile; the output T (a view of
    Slice) later makes Slice a buffer, so its copy must move before the loop (found by the
    special-values fuzzer: the loop read the copy before it was written)."""
    import sys
    from pathlib import Path

    from gradc.compiler.ir.parser import parse_function

    sys.path.insert(0, str(Path(__file__).parent))
    from fuzzprog import plan_order_violations

    fn = parse_function(_LATE_VIEW)
    assert plan_order_violations(fn) == []
    a = np.arange(4, dtype=np.float32) + 1
    for c in (np.array([[False]]), np.array([[True]])):
        got = compile_function(fn)(a, c)
        for g, w in zip(got, interpret(fn, [a, c]), strict=True):
            np.testing.assert_array_equal(g, w)
