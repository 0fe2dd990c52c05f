"""Native code vs the reference interpreter: broadcasting, reductions, layout kernels, matmul,
composites, the buffer plan and ABI, argument checking, and exact-vs-fast math.

View / Assemble / MatMul / Expand / NoCode are exercised through small test-only OpDefs
(`test_*`) so these tests do not depend on how the real layout ops are defined.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
import pytest

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function, Value
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.lowering.llvm import lower
from gradc.compiler.ops import registry
from gradc.compiler.ops.common import contiguous_strides
from gradc.compiler.ops.registry import Assemble, Expand, MatMul, NoCode, OpDef, View, ViewMap
from gradc.runtime.interpreter import interpret
from gradc.runtime.jit import compile_function

F32, F64, I32, I64 = DType.float32, DType.float64, DType.int32, DType.int64
T = TensorType


_TEST_OPS: list[OpDef] = []


def _reg(od: OpDef) -> None:
    """Collect a test-only op; the fixture below registers it only while this module runs."""
    _TEST_OPS.append(od)


@pytest.fixture(autouse=True, scope="module")
def _test_ops() -> Any:
    for od in _TEST_OPS:
        if od.name not in registry.REGISTRY:
            registry.register(od)
    yield
    for od in _TEST_OPS:
        registry.REGISTRY.pop(od.name, None)


def _transpose_infer(ts: list[T], at: dict[str, Any]) -> list[T]:
    return [T(tuple(ts[0].shape[p] for p in at["perm"]), ts[0].dtype)]


def _transpose_view(ins: list[T], outs: list[T], at: dict[str, Any]) -> list[ViewMap]:
    st = contiguous_strides(ins[0].shape)
    return [ViewMap(outs[0].shape, tuple(st[p] for p in at["perm"]))]


_reg(OpDef("test_transpose", "Transpose", _transpose_infer, lambda xs, at: [xs[0].transpose(at["perm"])],
           View(_transpose_view)))
# x[::-1, 1:3] on a 2-D operand: negative strides and an offset.
_reg(OpDef("test_rev_slice", "RevSlice", lambda ts, at: [T((ts[0].shape[0], 2), ts[0].dtype)],
           lambda xs, at: [xs[0][::-1, 1:3]],
           View(lambda ins, outs, at: [ViewMap(outs[0].shape, (-ins[0].shape[1], 1),
                                               (ins[0].shape[0] - 1) * ins[0].shape[1] + 1)])))
# Two results from one op: the halves of a 1-D operand.
_reg(OpDef("test_split2", "Split", lambda ts, at: [T((ts[0].shape[0] // 2,), ts[0].dtype)] * 2,
           lambda xs, at: list(np.split(xs[0], 2)),
           View(lambda ins, outs, at: [ViewMap(outs[0].shape, (1,), 0),
                                       ViewMap(outs[1].shape, (1,), outs[0].shape[0])]),
           num_results=2))
# Concat along axis 1 of two 2-D operands (every element written: no zero fill).
_reg(OpDef("test_concat", "ConcatV2",
           lambda ts, at: [T((ts[0].shape[0], ts[0].shape[1] + ts[1].shape[1]), ts[0].dtype)],
           lambda xs, at: [np.concatenate(xs, axis=1)],
           Assemble(lambda ins, out, at: [ViewMap(ins[0].shape, (out.shape[1], 1), 0, 0),
                                          ViewMap(ins[1].shape, (out.shape[1], 1), ins[0].shape[1], 1)],
                    zero_fill=False)))
# Pad a 2-D operand by one on each side (zero fill + one write).
_reg(OpDef("test_pad1", "Pad", lambda ts, at: [T((ts[0].shape[0] + 2, ts[0].shape[1] + 2), ts[0].dtype)],
           lambda xs, at: [np.pad(xs[0], 1)],
           Assemble(lambda ins, out, at: [ViewMap(ins[0].shape, (out.shape[1], 1), out.shape[1] + 1, 0)])))


def _mm_infer(ts: list[T], at: dict[str, Any]) -> list[T]:
    a, b = ts[0].shape, ts[1].shape
    m, n = a[1] if at.get("transpose_a") else a[0], b[0] if at.get("transpose_b") else b[1]
    return [T((m, n), ts[0].dtype)]


def _mm_kernel(xs: list[np.ndarray], at: dict[str, Any]) -> list[np.ndarray]:
    a = xs[0].T if at.get("transpose_a") else xs[0]
    b = xs[1].T if at.get("transpose_b") else xs[1]
    return [a @ b]


_reg(OpDef("test_matmul", "MatMul", _mm_infer, _mm_kernel, MatMul()))


def _x2px(b: Builder, op: Any) -> list[Value]:
    x = op.operands[0]
    return [b.emit("add", b.emit("mul", x, x), x)]


_reg(OpDef("test_sqplus", "SqPlus", lambda ts, at: [ts[0]], lambda xs, at: [xs[0] * xs[0] + xs[0]],
           Expand(_x2px)))
_reg(OpDef("test_sqplus_twice", "SqPlus2", lambda ts, at: [ts[0]],
           lambda xs, at: [(xs[0] * xs[0] + xs[0]) * 2],
           Expand(lambda b, op: [b.emit("mul", b.emit("test_sqplus", op.operands[0]),
                                        b.constant(2, op.operands[0].type.dtype))])))
_reg(OpDef("test_noop", "NoOp", lambda ts, at: [], lambda xs, at: [], NoCode(), num_results=0))


def build(*arg_types: T, name: str = "f") -> tuple[Function, Builder, list[Value]]:
    fn = Function(name)
    b = Builder(fn)
    return fn, b, [b.add_arg(f"a{i}", t) for i, t in enumerate(arg_types)]


def rand(shape: tuple[int, ...], dt: DType = F32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dt.is_float:
        return rng.standard_normal(shape).astype(dt.np)
    return rng.integers(-50, 50, size=shape).astype(dt.np)


def same(fn: Function, args: list[np.ndarray], rtol: float = 0.0) -> list[np.ndarray]:
    got = compile_function(fn)(*args)
    want = interpret(fn, args)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and g.shape == w.shape
        if rtol:
            np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol, equal_nan=True)
        else:
            np.testing.assert_array_equal(g, w)
    return got


# -- broadcasting ------------------------------------------------------------------------------

BCAST = [((3, 4), (4,)), ((4,), (3, 4)), ((3, 1), (1, 4)), ((1, 4), (3, 1)), ((2, 1, 5), (3, 1)),
         ((), (2, 3)),
         ((2, 3), ()), ((1,), (1,)), ((0, 3), (3,)), ((2, 3, 4), (2, 3, 4)), ((5, 1, 1), (1, 6, 7))]


@pytest.mark.parametrize("xs,ys", BCAST, ids=[f"{a}-{b}" for a, b in BCAST])
@pytest.mark.parametrize("dt", [F32, I64], ids=lambda d: d.name)
def test_broadcast_binary(xs: tuple[int, ...], ys: tuple[int, ...], dt: DType) -> None:
    fn, b, (x, y) = build(T(xs, dt), T(ys, dt))
    fn.outputs = [b.emit("sub", x, y), b.emit("maximum", y, x), b.emit("less", x, y)]
    same(fn, [rand(xs, dt, 1), rand(ys, dt, 2)])


def test_chain_with_constants_and_scalars() -> None:
    fn, b, (x,) = build(T((4, 5), F32))
    c = b.constant(np.arange(5, dtype=np.float32))
    y = b.emit("mul", b.emit("add", x, c), b.constant(0.5))
    fn.outputs = [b.emit("tanh", y), b.emit("sum", y, axes=None)]
    same(fn, [rand((4, 5))], rtol=1e-5)


# -- reductions --------------------------------------------------------------------------------

SHAPES = [(3, 4, 5), (2, 1, 3), (6,), (4, 0, 2)]
RED_CASES = [(s, axes) for s in SHAPES for r in range(len(s) + 1)
             for axes in itertools.combinations(range(len(s)), r)]


@pytest.mark.parametrize("shape,axes", RED_CASES, ids=[f"{s}-{a}" for s, a in RED_CASES])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_reductions(shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> None:
    for dt in (F64, I32):
        fn, b, (x,) = build(T(shape, dt))
        names = ["sum", "mean", "prod"] + (["max", "min"] if 0 not in shape else [])
        fn.outputs = [b.emit(n, x, axes=axes, keepdims=keepdims) for n in names]
        a = rand(shape, dt, 3) if dt.is_float else np.random.default_rng(3).integers(-3, 4, shape)
        a = a.astype(dt.np)
        same(fn, [a], rtol=1e-12 if dt.is_float else 0.0)


def test_reductions_float32_and_nan() -> None:
    a = rand((8, 33), F32, 5)
    a[2, 7] = np.nan
    a[5, 0] = -np.inf
    fn, b, (x,) = build(T(a.shape, F32))
    fn.outputs = [b.emit(n, x, axes=ax) for n in ("sum", "mean", "max", "min") for ax in (0, 1, None)]
    same(fn, [a], rtol=1e-5)


def test_int_mean_truncates_like_numpy() -> None:
    a = np.array([[-7, 2, 0], [5, 5, 6]], np.int32)
    fn, b, (x,) = build(T(a.shape, I32))
    fn.outputs = [b.emit("mean", x, axes=ax) for ax in (0, 1, None)]
    same(fn, [a])


# -- views, assemble, matmul, composites ---------------------------------------------------------

@pytest.mark.parametrize("dt", [F32, I64, DType.bool], ids=lambda d: d.name)
def test_views(dt: DType) -> None:
    fn, b, (x, v) = build(T((4, 6), dt), T((8,), dt))
    r = b.emit("reshape", x, shape=(2, 3, 4))
    t = b.emit("test_transpose", r, perm=(2, 0, 1))
    halves = b.create("test_split2", [v]).results
    fn.outputs = [r, t, b.emit("test_rev_slice", x), *halves]
    a = rand((4, 6), I64, 7).astype(dt.np)
    same(fn, [a, rand((8,), I64, 8).astype(dt.np)])


def test_assemble() -> None:
    fn, b, (x, y) = build(T((3, 2), F64), T((3, 4), F64))
    fn.outputs = [b.emit("test_concat", x, y), b.emit("test_pad1", y)]
    same(fn, [rand((3, 2), F64), rand((3, 4), F64, 1)])


@pytest.mark.parametrize("ta,tb", list(itertools.product([False, True], repeat=2)))
@pytest.mark.parametrize("dt", [F32, F64, I32], ids=lambda d: d.name)
def test_matmul(ta: bool, tb: bool, dt: DType) -> None:
    m, k, n = 5, 7, 3
    a_shape, b_shape = ((k, m) if ta else (m, k)), ((n, k) if tb else (k, n))
    fn, b, (x, y) = build(T(a_shape, dt), T(b_shape, dt))
    fn.outputs = [b.emit("test_matmul", x, y, transpose_a=ta, transpose_b=tb)]
    same(fn, [rand(a_shape, dt), rand(b_shape, dt, 1)], rtol=1e-5 if dt.is_float else 0.0)


def test_expand_composites_on_a_copy() -> None:
    fn, b, (x,) = build(T((3,), F32))
    b.create("test_noop", [])
    fn.outputs = [b.emit("test_sqplus_twice", x)]
    before = [op.opdef for op in fn.ops]
    lm = lower(fn)
    assert [op.opdef for op in fn.ops] == before  # the caller's IR is untouched
    assert not any(op.opdef.startswith("test_sqplus") for op in lm.fn.ops)
    same(fn, [np.array([1.5, -2.0, 0.0], np.float32)])


# -- buffer plan, outputs, ABI ------------------------------------------------------------------

def test_outputs_that_alias_inputs_constants_and_each_other() -> None:
    fn, b, (x,) = build(T((2, 2), F32))
    c = b.constant(np.eye(2, dtype=np.float32))
    y = b.emit("add", x, c)
    fn.outputs = [x, c, y, y, x]
    lm = lower(fn)
    assert {j for j, _ in lm.plan.copies} == {0, 1, 3, 4}
    a = rand((2, 2))
    got = compile_function(fn)(a)
    eye = np.eye(2, dtype=np.float32)
    for g, w in zip(got, [a, eye, a + eye, a + eye, a], strict=True):
        np.testing.assert_array_equal(g, w)
    assert got[0] is not a and not np.shares_memory(got[2], got[3])


def test_workspace_slots_are_aligned_and_disjoint() -> None:
    fn, b, (x,) = build(T((3,), F32))
    y = b.emit("exp", x)
    z = b.emit("add", y, y)
    fn.outputs = [b.emit("mul", z, x)]
    plan = lower(fn, fuse=False).plan  # fused, y and z never leave registers
    ws = sorted((s.index, s.nbytes) for s in plan.slots.values() if s.kind == "workspace")
    assert len(ws) == 2 and all(off % 64 == 0 for off, _ in ws)
    assert all(o1 + n1 <= o2 for (o1, n1), (o2, _) in zip(ws, ws[1:], strict=False))


def test_scalars_zero_sized_and_no_inputs() -> None:
    fn, b, (s, e) = build(T((), F64), T((0, 4), F32))
    fn.outputs = [b.emit("sqrt", s), b.emit("neg", e), b.emit("sum", e, axes=0), b.constant(3)]
    same(fn, [np.array(4.0), np.zeros((0, 4), np.float32)])
    fn2 = Function("const_only")
    fn2.outputs = [Builder(fn2).constant([True, False])]
    same(fn2, [])


def test_bad_arguments_raise_before_native_code() -> None:
    fn, b, (x, y) = build(T((2, 3), F32), T((3,), I32), name="g")
    fn.outputs = [b.emit("add", x, b.emit("cast", y, dtype=F32))]
    nf = compile_function(fn)
    good = [np.ones((2, 3), np.float32), np.ones(3, np.int32)]
    nf(*good)
    with pytest.raises(TypeError, match="takes 2"):
        nf(good[0])
    with pytest.raises(TypeError, match=r"'a0'.*float32.*float64"):
        nf(good[0].astype(np.float64), good[1])
    with pytest.raises(ValueError, match=r"'a1'.*\(3,\).*\(4,\)"):
        nf(good[0], np.ones(4, np.int32))
    with pytest.raises(TypeError):
        nf(good[0], [1.5, 2.5, 3.5])  # a float list cannot feed an int argument
    out = nf(np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)), [1, 2, 3])
    np.testing.assert_array_equal(out[0], np.arange(6).reshape(2, 3) + [1, 2, 3])


def test_exact_math_by_default_and_fastmath_opt_in() -> None:
    fn, b, (x, y, z) = build(T((64,), F32), T((64,), F32), T((64,), F32))
    fn.outputs = [b.emit("add", b.emit("mul", x, y), z)]
    exact = compile_function(fn)
    # (kernels are separate functions, so `fastcc` may appear: look for the fast-math flag)
    assert not re.search(r"\bfast\b", exact.llvm_opt_ir) and "fmuladd" not in exact.llvm_opt_ir
    assert "vfmadd" not in exact.asm
    fast = compile_function(fn, fastmath=True)
    assert "fast" in fast.llvm_ir
    args = [rand((64,), F32, i) for i in range(3)]
    np.testing.assert_array_equal(exact(*args)[0], args[0] * args[1] + args[2])
    np.testing.assert_allclose(fast(*args)[0], args[0] * args[1] + args[2], rtol=1e-5, atol=1e-6)


def test_entry_abi_and_vectorised_loops() -> None:
    fn, b, (x, y) = build(T((1024,), F32), T((1024,), F32), name="vec/add")
    fn.outputs = [b.emit("add", x, y)]
    nf = compile_function(fn)
    assert re.search(rf'define void @"?{nf.symbol}"?\(ptr %"inputs", ptr %"outputs", ptr %"workspace"\)',
                     nf.llvm_ir)
    assert "<16 x float>" in nf.llvm_opt_ir or "<8 x float>" in nf.llvm_opt_ir
