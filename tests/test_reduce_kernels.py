"""Lane-split fused reductions (lanes.py): exact against a float64 reference, NaN-propagating,
tails and 2-D layouts, deterministic, and the fused loop vectorises without fast-math."""

from __future__ import annotations

import numpy as np
import pytest

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function
from gradc.compiler.ir.types import DType, TensorType
from gradc.runtime.interpreter import interpret
from gradc.runtime.jit import compile_function


def _reduce_fn(op: str, shape: tuple[int, ...], axes: tuple[int, ...], dt: DType = DType.float32) -> Function:
    fn = Function(f"r_{op}")
    b = Builder(fn)
    x = b.add_arg("x", TensorType(shape, dt))
    y = b.emit("mul", x, x) if dt.is_float else x  # an elementwise producer: a fused loop
    fn.outputs = [b.emit(op, y, axes=axes)]
    return fn


@pytest.mark.parametrize("n", [31, 32, 33, 4095, 4096, 4097, 70001])
@pytest.mark.parametrize("op", ["sum", "max", "min", "mean"])
def test_lane_reductions_match_numpy(n: int, op: str) -> None:
    x = np.random.default_rng(n).standard_normal(n).astype(np.float32)
    got = compile_function(_reduce_fn(op, (n,), (0,)))(x)[0]
    want = getattr(np, op)((x.astype(np.float64)) ** 2)
    np.testing.assert_allclose(got, want, rtol=2e-6)


@pytest.mark.parametrize("shape,axes", [((7, 100), (1,)), ((100, 7), (0,)), ((5, 64), (0, 1)), ((3, 40, 50), (1, 2))])
def test_lane_reductions_2d(shape: tuple[int, ...], axes: tuple[int, ...]) -> None:
    fn = _reduce_fn("sum", shape, axes)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    got = compile_function(fn)(x)[0]
    np.testing.assert_allclose(got, interpret(fn, [x])[0], rtol=2e-5)


def test_prod_and_integer_sum() -> None:
    x = np.random.default_rng(2).uniform(0.99, 1.01, 1000).astype(np.float32)
    got = compile_function(_reduce_fn("prod", (1000,), (0,)))(x)[0]
    np.testing.assert_allclose(got, np.prod(x.astype(np.float64) ** 2), rtol=1e-5)
    xi = np.arange(-500, 500, dtype=np.int32) * 7
    assert compile_function(_reduce_fn("sum", (1000,), (0,), DType.int32))(xi)[0] == xi.sum()


@pytest.mark.parametrize("op", ["max", "min"])
def test_nan_propagates_from_any_lane(op: str) -> None:
    f = compile_function(_reduce_fn(op, (100,), (0,)))
    for pos in (0, 5, 17, 95, 99):  # rows, lanes and the tail
        x = np.ones(100, np.float32)
        x[pos] = np.nan
        assert np.isnan(f(x)[0])


def test_sum_is_accurate_and_deterministic() -> None:
    n = 3_000_001
    x = np.full(n, 0.1, np.float32)
    f = compile_function(_reduce_fn("sum", (n,), (0,)))
    got = f(x)[0]
    want = n * float(np.float32(0.1)) ** 2
    assert abs(float(got) - want) / want < 1e-6  # one sequential float32 accumulator: ~1e-2
    assert all(f(x)[0] == got for _ in range(3))


def test_fused_reduction_loop_vectorises() -> None:
    fn = Function("w2ish")
    b = Builder(fn)
    x = b.add_arg("x", TensorType((4096,), DType.float32))
    t = b.emit("add", b.emit("mul", b.emit("sin", x), b.emit("exp", b.emit("neg", b.emit("mul", x, x)))),
               b.emit("mul", b.emit("tanh", x), x))
    fn.outputs = [b.emit("sum", t, axes=(0,))]
    opt = compile_function(fn).llvm_opt_ir
    assert "<16 x float>" in opt or "<8 x float>" in opt
    assert "gradc.sinf" not in opt and "gradc.tanhf" not in opt and " fast " not in opt
