"""Native code vs the NumPy reference interpreter for every elementwise scalar op and dtype.

Each op is compiled on its own with inputs that pair every special value (nan, ±inf, ±0,
extremes) with every other. Integer and bool results, and float ops that are exact in IEEE
arithmetic, must match bit for bit (NaN positions included); transcendentals (libm vs NumPy's
SIMD implementations) within a few ulp.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import Elementwise
from gradc.runtime.interpreter import interpret
from gradc.runtime.jit import compile_function

F32, F64, I32, I64, BOOL = DType.float32, DType.float64, DType.int32, DType.int64, DType.bool

SPECIAL = {
    F32: [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.7, -2.5, 1e-30, 1e30, 100.0, -7.0],
    I32: [0, 1, -1, 2, -2, 3, 7, -9, 100, 2**31 - 1, -(2**31)],
    I64: [0, 1, -1, 2, -2, 3, 7, -9, 100, 2**63 - 1, -(2**63), 2**40],
    BOOL: [False, True],
}
SPECIAL[F64] = SPECIAL[F32] + [1e300, -1e-310]

# Float results that may differ by rounding from NumPy's (SIMD) math library.
TRANSCENDENTAL = {"pow", "exp", "log", "log1p", "sin", "cos", "tanh", "sigmoid"}
# Arguments of sin/cos kept moderate: huge-argument reduction differs between libraries.
BOUNDED = {"sin", "cos"}


def allowed_dtypes(name: str, arity: int) -> list[DType]:
    od = registry.get(name)
    ok = []
    for dt in (F32, F64, I32, I64, BOOL):
        try:
            od.infer([TensorType((2,), dt)] * arity, {})
        except (TypeError, ValueError):
            continue
        ok.append(dt)
    return ok


def pairs(dt: DType, arity: int, name: str) -> list[np.ndarray]:
    vals = SPECIAL[dt]
    if name in BOUNDED:
        vals = [v for v in vals if not (isinstance(v, float) and abs(v) > 1e3)]
    cols = list(zip(*itertools.product(vals, repeat=arity), strict=True))
    return [np.array(c, dtype=dt.np) for c in cols]


def run_both(fn: Function, args: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    return compile_function(fn)(*args), interpret(fn, args)


def check(name: str, got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape
    if got.dtype.kind == "f" and name in TRANSCENDENTAL:
        rtol = 2e-6 if got.dtype == np.float32 else 1e-14
        np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-37, equal_nan=True, err_msg=name)
    else:
        np.testing.assert_array_equal(got, want, err_msg=name, strict=True)
        if got.dtype.kind == "f":  # signed zeros too (a NaN's sign bit is not specified by IEEE)
            real = ~np.isnan(want)
            np.testing.assert_array_equal(np.signbit(got[real]), np.signbit(want[real]), err_msg=name)


UNARY = ["neg", "abs", "sign", "square", "sqrt", "rsqrt", "reciprocal", "exp", "log", "log1p", "sin",
         "cos", "tanh", "sigmoid", "relu", "logical_not", "identity", "stop_gradient"]
BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "sqrt_grad", "rsqrt_grad",
          "reciprocal_grad", "tanh_grad", "sigmoid_grad", "relu_grad", "equal", "not_equal", "less",
          "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_xor"]
CASES = [(n, 1, dt) for n in UNARY for dt in allowed_dtypes(n, 1)]
CASES += [(n, 2, dt) for n in BINARY for dt in allowed_dtypes(n, 2)]


def test_every_elementwise_name_is_covered() -> None:
    names = {od.lowering.scalar for od in registry.REGISTRY.values() if isinstance(od.lowering, Elementwise)}
    covered = set(UNARY) | set(BINARY) | {"cast", "select", "add_n"}
    assert names <= covered, names - covered


@pytest.mark.parametrize("name,arity,dt", CASES, ids=[f"{n}-{d.name}" for n, _, d in CASES])
def test_elementwise(name: str, arity: int, dt: DType) -> None:
    args = pairs(dt, arity, name)
    fn = Function(f"t_{name}")
    b = Builder(fn)
    xs = [b.add_arg(f"x{i}", TensorType(a.shape, dt)) for i, a in enumerate(args)]
    fn.outputs = [b.emit(name, *xs)]
    (got,), (want,) = run_both(fn, args)
    check(name, got, want)


CASTS = list(itertools.product([F32, F64, I32, I64, BOOL], repeat=2))


@pytest.mark.parametrize("src,dst", CASTS, ids=[f"{s.name}-{d.name}" for s, d in CASTS])
def test_cast(src: DType, dst: DType) -> None:
    vals = SPECIAL[src] + ([3e9, -3e9, 2.7, -2.7, 0.999, 2147483647.5, 1e19] if src.is_float else [])
    a = np.array(vals, dtype=src.np)
    fn = Function("t_cast")
    b = Builder(fn)
    fn.outputs = [b.emit("cast", b.add_arg("x", TensorType(a.shape, src)), dtype=dst)]
    (got,), (want,) = run_both(fn, [a])
    check("cast", got, want)


@pytest.mark.parametrize("dt", [F32, F64, I32, I64, BOOL], ids=lambda d: d.name)
def test_select_broadcast(dt: DType) -> None:
    c = np.array([[True], [False], [True]])
    t = np.resize(np.array(SPECIAL[dt], dtype=dt.np), (1, 4))
    e = np.resize(np.array(SPECIAL[dt][::-1], dtype=dt.np), (4,))
    fn = Function("t_select")
    b = Builder(fn)
    args = [c, t, e]
    xs = [b.add_arg(n, TensorType(a.shape, DType.from_np(a.dtype))) for n, a in zip("cte", args, strict=True)]
    fn.outputs = [b.emit("select", *xs)]
    (got,), (want,) = run_both(fn, args)
    check("select", got, want)


@pytest.mark.parametrize("dt", [F32, F64, I32, I64, BOOL], ids=lambda d: d.name)
@pytest.mark.parametrize("n", [1, 2, 5])
def test_add_n(dt: DType, n: int) -> None:
    rng = np.random.default_rng(n)
    args = [rng.integers(-5, 5, size=(3, 4)).astype(dt.np) for _ in range(n)]
    fn = Function("t_add_n")
    b = Builder(fn)
    xs = [b.add_arg(f"x{i}", TensorType((3, 4), dt)) for i in range(n)]
    fn.outputs = [b.create("add_n", xs).result]
    (got,), (want,) = run_both(fn, args)
    check("add_n", got, want)


def test_fill_broadcasts_a_scalar() -> None:
    fn = Function("t_fill")
    b = Builder(fn)
    fn.outputs = [b.emit("fill", b.add_arg("v", TensorType((), F32)), dims=(2, 3))]
    (got,), (want,) = run_both(fn, [np.array(-0.0, np.float32)])
    check("fill", got, want)
