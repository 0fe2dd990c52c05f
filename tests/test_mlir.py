"""MLIR emission (gradc.compiler.lowering.mlir): verified by real mlir-opt, run through upstream MLIR.

Programs are built with `Builder`; the emitted text must verify with mlir-opt-22 (and 19 when
installed), and a few programs are lowered to LLVM and JIT-run by tools/mlir_check.py (the
project's copy of the independent MLIR checker), compared with the NumPy interpreter.
Tool-dependent tests skip, saying so, only when an external tool (mlir-opt-22) is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function, Loc, Value
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.lowering.mlir import emit_mlir
from gradc.compiler.lowering.mlir.scalars import SCALARS
from gradc.compiler.lowering.mlir.text import dense
from gradc.compiler.ops import REGISTRY
from gradc.compiler.ops.registry import Assemble, Elementwise, OpDef, View, ViewMap
from gradc.runtime.interpreter import interpret

# The project's copy of the independent MLIR checker (never imports gradc).
CHECKER = Path(__file__).resolve().parents[1] / "tools" / "mlir_check.py"
OPT22, OPT19 = shutil.which("mlir-opt-22"), shutil.which("mlir-opt-19")
F32, F64, I32, I64, BOOL = DType.float32, DType.float64, DType.int32, DType.int64, DType.bool

needs_opt = pytest.mark.skipif(OPT22 is None,
                               reason="external tool not installed: mlir-opt-22 (apt-get install mlir-22-tools)")
needs_check = needs_opt  # tools/mlir_check.py is in the repository; it drives mlir-opt-22


def build(name: str, sig: list[tuple[str, tuple[int, ...], DType]],
          body: Callable[[Builder, list[Value]], list[Value]]) -> Function:
    fn = Function(name)
    b = Builder(fn, Loc("prog.py", 7, 3))
    args = [b.add_arg(n, TensorType(s, d)) for n, s, d in sig]
    fn.outputs = body(b, args)
    return fn


def inputs_for(fn: Function, seed: int = 0) -> list[np.ndarray]:
    """Random inputs; positive floats so that log/sqrt/pow stay finite."""
    rng = np.random.default_rng(seed)
    out = []
    for v in fn.args:
        t = v.type
        if t.dtype.is_float:
            out.append(rng.uniform(0.25, 2.0, t.shape).astype(t.dtype.np))
        elif t.dtype.is_int:
            out.append(rng.integers(-4, 5, t.shape).astype(t.dtype.np))
        else:
            out.append(rng.integers(0, 2, t.shape).astype(bool))
    return out


def verify(text: str, tmp_path: Path) -> None:
    path = tmp_path / "v.mlir"
    path.write_text(text)
    for opt in filter(None, (OPT22, OPT19)):
        p = subprocess.run([opt, str(path), "-o", "/dev/null"], capture_output=True, text=True)
        assert p.returncode == 0 and not p.stderr, f"{opt}:\n{p.stderr}\n{text}"


def run_check(fn: Function, tmp_path: Path, args: list[np.ndarray] | None = None) -> None:
    """mlir_check --llvm against the interpreter; requires mlir-opt 22 (19 too if present)."""
    args = inputs_for(fn) if args is None else args
    path = tmp_path / f"{fn.name}.mlir"
    path.write_text(emit_mlir(fn))
    np.savez(tmp_path / "in.npz", **{f"arg{i}": a for i, a in enumerate(args)})
    np.savez(tmp_path / "out.npz", **{f"out{i}": a for i, a in enumerate(interpret(fn, args))})
    # Lowered with mlir-opt-22 only, to keep a run ~1 s: mlir-opt-19 acceptance is covered by verify().
    cmd = [sys.executable, str(CHECKER), str(path), "--llvm", "--require", "22", "--lower-with", "22",
           "--func", fn.name,
           "--inputs", str(tmp_path / "in.npz"), "--expect", str(tmp_path / "out.npz")]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"{p.stderr[-4000:]}\n{path.read_text()}"
    report = json.loads(p.stdout)
    assert report, "empty report"


# -- pure text checks (no tools) ----------------------------------------------------------------


def test_every_elementwise_scalar_has_an_emitter() -> None:
    used = {od.lowering.scalar for od in REGISTRY.values() if isinstance(od.lowering, Elementwise)}
    assert used <= set(SCALARS), sorted(used - set(SCALARS))


def test_dense_constants_are_exact() -> None:
    assert dense(np.float32(1.0), F32) == "dense<0x3F800000> : tensor<f32>"
    assert dense(np.array([np.inf, -0.0], np.float32), F32) == 'dense<"0x0000807F00000080"> : tensor<2xf32>'
    assert dense(np.array([[1, 2]], np.int64), I64) == "dense<[[1, 2]]> : tensor<1x2xi64>"
    assert dense(np.array([True, False]), BOOL) == "dense<[true, false]> : tensor<2xi1>"
    assert dense(np.zeros((0, 3), np.float64), F64) == "dense<> : tensor<0x3xf64>"


def test_locations_and_signature() -> None:
    fn = build("f", [("x", (2, 3), F32)], lambda b, a: [b.emit("exp", a[0])])
    text = emit_mlir(fn)
    assert 'func.func @f(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>)' in text
    assert 'loc("Exp"("prog.py":7:3))' in text
    assert "math.exp" in text and "linalg.generic" in text


def test_expand_does_not_mutate_the_function() -> None:
    fn = build("sm", [("x", (2, 3), F32)], lambda b, a: [b.emit("softmax", a[0])])
    before = [op.opdef for op in fn.ops]
    text = emit_mlir(fn)
    assert [op.opdef for op in fn.ops] == before
    assert "math.exp" in text and "arith.maximumf" in text


def test_many_composites_expand() -> None:
    fn = build("many", [("x", (2, 3), F32)], lambda b, a: [b.emit("l2_loss", a[0]) for _ in range(80)])
    assert emit_mlir(fn).count("arith.divf") == 80


# -- verification with mlir-opt -----------------------------------------------------------------

UNARY_F = ["neg", "abs", "sign", "square", "sqrt", "rsqrt", "reciprocal", "exp", "log", "log1p", "sin",
           "cos", "tanh", "sigmoid", "relu", "identity", "stop_gradient"]
BINARY_F = ["add", "sub", "mul", "div", "pow", "maximum", "minimum"]
GRAD_F = ["sqrt_grad", "rsqrt_grad", "reciprocal_grad", "tanh_grad", "sigmoid_grad", "relu_grad"]  # equal shapes
UNARY_I = ["neg", "abs", "sign", "square", "relu", "identity"]
BINARY_I = ["add", "sub", "mul", "pow", "maximum", "minimum"]
COMPARE = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]


def float_ops(dt: DType) -> Function:
    """Every float scalar op, with broadcasting operands, plus comparisons/select/add_n/casts."""

    def body(b: Builder, a: list[Value]) -> list[Value]:
        x, y = a
        outs = [b.emit(n, x) for n in UNARY_F] + [b.emit(n, x, y) for n in BINARY_F]
        outs += [b.emit(n, x, b.emit("broadcast_to", y, shape=x.type.shape)) for n in GRAD_F]
        cmps = [b.emit(n, x, y) for n in COMPARE]
        outs += cmps + [b.emit("select", cmps[2], x, y), b.emit("add_n", x, x, x)]
        outs += [b.emit("cast", x, dtype=d) for d in (F32, F64, I32, I64, BOOL)]
        return outs

    return build(f"float_ops_{dt.short}", [("x", (3, 4), dt), ("y", (4,), dt)], body)


def int_ops(dt: DType) -> Function:
    """Every integer scalar op (broadcasting), casts, and the bool ops on two bool operands."""

    def body(b: Builder, a: list[Value]) -> list[Value]:
        x, y, p, q = a
        outs = [b.emit(n, x) for n in UNARY_I] + [b.emit(n, x, y) for n in BINARY_I]
        outs += [b.emit("relu_grad", x, b.emit("broadcast_to", y, shape=x.type.shape))]
        outs += [b.emit(n, x, y) for n in COMPARE]
        outs += [b.emit("cast", x, dtype=d) for d in (F32, F64, I32, I64, BOOL)]
        outs += [b.emit(n, p, q) for n in ("logical_and", "logical_or", "logical_xor")]
        outs += [b.emit("logical_not", p)] + [b.emit(n, p, q) for n in COMPARE]
        outs += [b.emit("cast", p, dtype=d) for d in (F32, F64, I32, I64)]
        outs += [b.emit("select", p, b.constant(1.5), b.constant(-2.0))]
        return outs

    return build(f"int_ops_{dt.short}", [("x", (2, 5), dt), ("y", (2, 1), dt), ("p", (6,), BOOL),
                                        ("q", (), BOOL)], body)


def reductions(b: Builder, x: Value, k: Value) -> list[Value]:
    outs = [b.emit(r, x, axes=ax, keepdims=kd) for r in ("sum", "mean", "max", "min", "prod")
            for ax, kd in [((1,), False), ((0, 2), True), (None, False)]]
    return outs + [b.emit(r, k, axes=(0,)) for r in ("sum", "mean", "max", "min", "prod")]


def tensors() -> Function:
    """Reductions and every View/Assemble op: reshapes, transposes, slices, gathers, scatters."""

    def body(b: Builder, a: list[Value]) -> list[Value]:
        x, v, k = a
        ss = dict(shrink_axes=(), new_axes=())
        return reductions(b, x, k) + [
            b.emit("reshape", x, shape=(4, 6)), b.emit("reshape", x, shape=(3, 8)),
            b.emit("transpose", x, perm=(2, 0, 1)), b.emit("expand_dims", v, axis=0),
            b.emit("squeeze", b.emit("reshape", v, shape=(1, 3, 1)), axes=(0, 2)),
            b.emit("broadcast_to", v, shape=(2, 3)), b.emit("tile", v, multiples=(2,)),
            b.emit("slice", x, begin=(0, 1, 1), size=(2, 2, 3)),
            b.emit("strided_slice", x, begin=(1, 2, 3), end=(-1, 0, -1), strides=(-1, -2, -1), **ss),
            b.emit("strided_slice", x, begin=(1, 0, 1), end=(2, 3, 4), strides=(1, 2, 2),
                   shrink_axes=(0,), new_axes=()),
            *b.create("unpack", [x], {"axis": 1}).results,
            b.emit("concat", x, x, axis=2), b.emit("pack", v, v, axis=1),
            b.emit("strided_slice_grad", b.emit("slice", x, begin=(0, 0, 0), size=(2, 2, 2)),
                   shape=(2, 3, 4), begin=(0, 2, 3), end=(2, 0, 0), strides=(1, -1, -2), **ss),
        ]

    return build("tensors", [("x", (2, 3, 4), F32), ("v", (3,), F32), ("k", (3, 2), I64)], body)


def composites() -> Function:
    def body(b: Builder, a: list[Value]) -> list[Value]:
        x, w, lab = a
        loss, grad = b.create("softmax_xent", [x, lab]).results
        b.create("no_op", [x])
        return [b.emit("matmul", x, w), b.emit("matmul", x, x, transpose_b=True),
                b.emit("matmul", w, x, transpose_a=True, transpose_b=True),
                b.emit("softmax", x), b.emit("log_softmax", x), b.emit("l2_loss", w), loss, grad,
                b.emit("shape", x), b.emit("rank", x), b.emit("size", x)]

    return build("composites", [("x", (2, 3), F32), ("w", (3, 4), F32), ("lab", (2, 3), F32)], body)


PROGRAMS: dict[str, Callable[[], Function]] = {
    "float_ops_f32": lambda: float_ops(F32), "float_ops_f64": lambda: float_ops(F64),
    "int_ops_i32": lambda: int_ops(I32), "int_ops_i64": lambda: int_ops(I64), "tensors": tensors,
    "composites": composites,
}


@needs_opt
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_verifies_with_mlir_opt(name: str, tmp_path: Path) -> None:
    verify(emit_mlir(PROGRAMS[name]()), tmp_path)


# -- lowering to LLVM and running, against the interpreter --------------------------------------


@needs_check
@pytest.mark.parametrize("name", ["float_ops_f32", "int_ops_i64", "tensors", "composites"])
def test_runs_like_the_interpreter(name: str, tmp_path: Path) -> None:
    run_check(PROGRAMS[name](), tmp_path)


@needs_check
def test_nan_and_zero_semantics(tmp_path: Path) -> None:
    """maximum/relu/max propagate NaN, sign keeps NaN, *_grad masks dy == 0, casts truncate."""

    def body(b: Builder, a: list[Value]) -> list[Value]:
        x, y = a
        return [b.emit("maximum", x, y), b.emit("minimum", x, y), b.emit("relu", x), b.emit("sign", x),
                b.emit("max", x, axes=(0,)), b.emit("sqrt_grad", x, y), b.emit("reciprocal_grad", x, y),
                b.emit("cast", y, dtype=I32), b.emit("cast", x, dtype=BOOL)]

    fn = build("nan_semantics", [("x", (6,), F32), ("y", (6,), F32)], body)
    x = np.array([np.nan, 0.0, -0.0, 1.5, -2.5, np.inf], np.float32)
    y = np.array([1.0, np.nan, 0.0, -3.7, 2.9, 0.0], np.float32)
    run_check(fn, tmp_path, [x, y])


@needs_check
def test_view_and_assemble_fallbacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Maps no slice/transpose can express: a diagonal read (tensor.extract gather), a diagonal
    write (scf.for scatter), and a transposing write (generic + insert_slice); test-only ops."""

    def same(xs: list[np.ndarray], attrs: dict[str, object]) -> list[np.ndarray]:
        return xs

    diag_map = [ViewMap((4,), (5,), 0)]
    ops = [
        OpDef("_t_diag", "Diag", lambda ts, a: [TensorType((4,), ts[0].dtype)],
              lambda xs, a: [np.diagonal(xs[0]).copy()], View(lambda i, o, a: diag_map)),
        OpDef("_t_diagflat", "DiagFlat", lambda ts, a: [TensorType((4, 4), ts[0].dtype)],
              lambda xs, a: [np.diagflat(xs[0])], Assemble(lambda i, o, a: diag_map)),
        OpDef("_t_twrite", "TWrite", lambda ts, a: [TensorType((2, 3), ts[0].dtype)],
              lambda xs, a: [xs[0].T.copy()], Assemble(lambda i, o, a: [ViewMap((3, 2), (1, 3))], False)),
    ]
    for od in ops:
        monkeypatch.setitem(REGISTRY, od.name, od)
    fn = build("fallbacks", [("x", (4, 4), F32), ("v", (4,), I32), ("t", (3, 2), F32)],
               lambda b, a: [b.emit("_t_diag", a[0]), b.emit("_t_diagflat", a[1]), b.emit("_t_twrite", a[2])])
    text = emit_mlir(fn)
    assert "tensor.extract " in text and "scf.for" in text and "tensor.insert " in text
    run_check(fn, tmp_path)
