"""Random valid gradc programs for differential fuzzing of the backend (tests/test_fuzz_backend.py).

`programs(special=False)` is a hypothesis strategy drawing a `Prog`: a `Function` built with
`Builder` from 1-4 arguments (float32/float64/int32/bool, rank 0-3, dims 1-4) and 3-25 ops drawn
from the whole registry, several outputs (an argument returned directly, a constant, the same
value twice), optionally the gradient of a random scalar loss w.r.t. the float arguments and the
default pass pipeline; plus the argument arrays.

Values are tracked while building (each op's NumPy kernel runs on the drawn inputs) so that
ops with a restricted domain get guarded operands (log/sqrt/rsqrt/reciprocal/div/pow of
|x| + 0.5, exp of small values, float→int casts only of finite bounded exact values) and
discontinuous ops (comparisons, sign, float→int/bool casts) only see *exact* float values:
values whose native result must be bit-identical to NumPy's (no transcendental, no reordered
reduction, no matmul upstream), so a last-ulp difference cannot flip a branch.
`special=True` puts nan/±inf/-0.0/huge values in the float arguments and drops the domain
guards half of the time; comparison then requires NaN/inf positions to match.

`check(prog)` compiles the program (default options, fuse=False, blas=False) and compares
each output with the reference interpreter with tolerances scaled by the magnitude of
everything the output depends on. Run `python tests/fuzzprog.py --seed N --examples K` for a
standalone run (the slow test runs it in a subprocess so that a crash of native code is caught).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st

from gradc.api.slicing import slice_attrs
from gradc.compiler.autodiff.gradients import gradients
from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function, Value
from gradc.compiler.ir.parser import parse_function
from gradc.compiler.ir.printer import print_function
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.ops import registry

Draw = Callable[[st.SearchStrategy[Any]], Any]

F32, F64, I32, I64, BOOL = DType.float32, DType.float64, DType.int32, DType.int64, DType.bool
FLOATS = (F32, F64)
ARG_DTYPES = (F32, F64, I32, BOOL)

# Ops whose native result is bit-identical to NumPy's on the same inputs (IEEE, no reordering).
EXACT_OPS = {
    "add", "sub", "mul", "div", "neg", "abs", "sign", "square", "sqrt", "reciprocal", "maximum",
    "minimum", "relu", "identity", "stop_gradient", "select", "cast", "add_n", "max", "min",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
    "logical_or", "logical_xor", "logical_not", "constant", "fill", "reshape", "transpose",
    "expand_dims", "squeeze", "broadcast_to", "tile", "slice", "strided_slice", "concat", "pack",
    "unpack", "shape", "rank", "size", "strided_slice_grad", "relu_grad",
}
# add_n of 3+ operands may be reassociated by the lowering: treated as inexact there.
TRANSCENDENTAL = {"exp", "log", "log1p", "sin", "cos", "tanh", "sigmoid", "pow", "rsqrt", "softmax",
                  "log_softmax", "softmax_xent", "sqrt_grad", "rsqrt_grad", "tanh_grad", "sigmoid_grad"}
REDUCING = {"sum", "mean", "prod", "matmul", "batch_matmul", "l2_loss", "softmax", "log_softmax",
            "softmax_xent", "add_n"}

SPECIALS32 = [np.nan, np.inf, -np.inf, -0.0, 0.0, 3e38, -1e-40, 1.0]
SPECIALS64 = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1.7e308, -5e-320, 1.0]


@dataclass
class Prog:
    fn: Function
    args: list[np.ndarray]
    special: bool = False
    grads: bool = False
    optimized: bool = False
    reference: Function | None = None  # the program before the pass pipeline (optimized only)
    log: list[str] = field(default_factory=list)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # hypothesis prints failing examples so
        p.text(repr(self))

    def __repr__(self) -> str:
        arrs = "\n".join(f"  arg{i}: {a.dtype}{list(a.shape)} = "
                         f"{np.array2string(a, precision=17, separator=',', floatmode='unique')}"
                         for i, a in enumerate(self.args))
        return (f"Prog(special={self.special}, grads={self.grads}, optimized={self.optimized})\n"
                f"{print_function(self.fn)}\nargs:\n{arrs}\nbuild log: {'; '.join(self.log)}")


def clone(fn: Function) -> Function:
    return parse_function(print_function(fn))


def _quiet() -> Any:
    return np.errstate(all="ignore")


class Gen:
    """Builds one program: a pool of values with their NumPy values and exactness."""

    def __init__(self, draw: Draw, special: bool) -> None:
        self.draw = draw
        self.special = special
        self.fn = Function("fuzz")
        self.b = Builder(self.fn)
        self.val: dict[Value, np.ndarray] = {}
        self.exact: dict[Value, bool] = {}
        self.pool: list[Value] = []
        self.args: list[np.ndarray] = []
        self.log: list[str] = []
        self.big = bool(draw(st.integers(0, 3)) == 0)

    # -- primitives --------------------------------------------------------------------------

    def emit_op(self, name: str, operands: list[Value], **attrs: Any) -> list[Value]:
        op = self.b.create(name, operands, attrs)
        with _quiet():
            outs = registry.get(name).kernel([self.val[v] for v in operands], op.attrs)
        ex = name in EXACT_OPS and all(self.exact[v] for v in operands)
        if name == "add_n" and len(operands) > 2:
            ex = False
        for r, o in zip(op.results, outs):
            assert r.type.size > 0, (name, [v.type for v in operands], op.attrs)
            self.val[r] = np.asarray(o, dtype=r.type.dtype.np).reshape(r.type.shape)
            self.exact[r] = ex
            self.pool.append(r)
        self.log.append(f"{name}{[list(v.type.shape) for v in operands]}")
        return op.results

    def emit(self, name: str, *operands: Value, **attrs: Any) -> Value:
        return self.emit_op(name, list(operands), **attrs)[0]

    def const(self, arr: np.ndarray) -> Value:
        v = self.b.constant(arr)
        self.val[v] = np.asarray(arr)
        self.exact[v] = True
        self.pool.append(v)
        return v

    def scalar_const(self, x: float, dt: DType) -> Value:
        return self.const(np.asarray(x, dtype=dt.np))

    def i(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def coin(self, p: float = 0.5) -> bool:
        return self.draw(st.floats(0, 1)) < p

    def pick(self, seq: Any) -> Any:
        return self.draw(st.sampled_from(list(seq)))

    def shape(self, min_rank: int = 0, max_rank: int = 3) -> tuple[int, ...]:
        r = self.i(min_rank, max_rank)
        shape = [self.pick([1, 1, 2, 3, 4]) for _ in range(r)]
        if r and self.big and self.coin(0.3):  # long rows: blocked/vectorised fused loops
            shape[self.i(0, r - 1)] = self.pick([17, 100, 257, 300])
        return tuple(shape)

    def array(self, shape: tuple[int, ...], dt: DType, special: bool = False) -> np.ndarray:
        n = int(np.prod(shape, dtype=np.int64))
        if n > 64:  # big arrays: seeded NumPy data (hypothesis draws only the seed)
            rng = np.random.default_rng(self.i(0, 2**32 - 1))
            if dt is BOOL:
                return rng.integers(0, 2, shape).astype(bool)
            if dt in (I32, I64):
                return rng.integers(-5, 6, shape).astype(dt.np)
            a = np.where(rng.random(shape) < 0.3, np.round(rng.uniform(-4, 4, shape) * 4) / 4,
                         rng.uniform(-3, 3, shape)).astype(dt.np)
            if special:
                pool = np.asarray(SPECIALS32 if dt is F32 else SPECIALS64, dtype=dt.np)
                with _quiet():
                    a = np.where(rng.random(shape) < 0.1, pool[rng.integers(0, len(pool), shape)], a)
            return a
        if dt is BOOL:
            data = self.draw(st.lists(st.booleans(), min_size=n, max_size=n))
            return np.asarray(data, dtype=bool).reshape(shape)
        if dt in (I32, I64):
            data = self.draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))
            return np.asarray(data, dtype=dt.np).reshape(shape)
        # Floats: dyadic small values, arbitrary floats, repeated values (ties for max/min).
        el = st.one_of(st.integers(-16, 16).map(lambda k: k / 4),
                       st.floats(-3, 3, allow_nan=False, width=32 if dt is F32 else 64))
        if special:
            el = st.one_of(el, st.sampled_from(SPECIALS32 if dt is F32 else SPECIALS64))
        data = self.draw(st.lists(el, min_size=n, max_size=n))
        with _quiet():
            return np.asarray(data, dtype=dt.np).reshape(shape)

    # -- operand selection and coercion -------------------------------------------------------

    def choose(self, pred: Callable[[Value], bool] = lambda v: True) -> Value | None:
        cands = [v for v in self.pool if pred(v)]
        if not cands:
            return None
        # Prefer recent values (longer dependency chains) but reach back too.
        k = self.draw(st.integers(0, len(cands) - 1))
        if self.coin(0.5):
            k = len(cands) - 1 - min(k, self.i(0, 2))
        return cands[max(k, 0)]

    def value_of(self, dts: tuple[DType, ...]) -> Value:
        v = self.choose(lambda v: v.type.dtype in dts)
        if v is not None:
            return v
        src = self.choose()
        assert src is not None
        return self.emit("cast", src, dtype=self.pick(dts))

    def to_size(self, v: Value, n: int) -> Value:
        """A rank-1 value of n elements from v (reshape, tile, slice)."""
        m = v.type.size
        flat = self.emit("reshape", v, shape=[-1]) if v.type.rank != 1 else v
        if m < n:
            flat = self.emit("tile", flat, multiples=[-(-n // m)])
            m = flat.type.size
        if m > n:
            start = self.i(0, m - n)
            flat = self.emit("slice", flat, begin=[start], size=[n])
        return flat

    def to_shape(self, v: Value, shape: tuple[int, ...]) -> Value:
        if v.type.shape == shape:
            return v
        n = int(np.prod(shape, dtype=np.int64))
        if v.type.size == n:
            return self.emit("reshape", v, shape=list(shape))
        flat = self.to_size(v, n)
        return flat if shape == flat.type.shape else self.emit("reshape", flat, shape=list(shape))

    def partner_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """A shape broadcast-compatible with `shape`, both directions (result may be bigger)."""
        kind = self.pick(["same", "suffix", "ones", "grow", "scalar"])
        if kind == "same":
            return shape
        if kind == "scalar":
            return ()
        if kind == "suffix":
            return shape[self.i(0, len(shape)):]
        if kind == "ones":
            return tuple(1 if self.coin() else d for d in shape)
        # grow: the partner has dims where shape has 1 (and maybe extra leading dims)
        out = tuple(self.pick([2, 3]) if d == 1 and self.coin() else d for d in shape)
        if len(out) < 3 and self.coin():
            out = (self.pick([1, 2, 3]),) + out
        return out

    def partner(self, x: Value, dts: tuple[DType, ...] | None = None) -> Value:
        dts = dts or (x.type.dtype,)
        want = self.partner_shape(x.type.shape)
        if self.coin(0.3):
            ok = self.choose(lambda v: v.type.dtype in dts and _broadcastable(v.type.shape, x.type.shape))
            if ok is not None:
                return ok
        if self.coin(0.25):
            return self.new_const(want, self.pick(dts))
        src = self.value_of(dts)
        return self.to_shape(src, want)

    def new_const(self, shape: tuple[int, ...], dt: DType) -> Value:
        if self.coin(0.4):
            x = self.array((), dt)
            return self.const(np.full(shape, x, dtype=dt.np))  # a splat
        return self.const(self.array(shape, dt))

    # -- guards ------------------------------------------------------------------------------

    def guarded(self) -> bool:
        return not self.special or self.coin(0.5)

    def positive(self, x: Value) -> Value:
        """|x| + 0.5: a safe operand for log/sqrt/rsqrt/reciprocal/div/pow."""
        if not self.guarded():
            return x
        return self.emit("add", self.emit("abs", x), self.scalar_const(0.5, x.type.dtype))

    def small(self, x: Value, bound: float = 8.0) -> Value:
        """x, or tanh(x) * bound when x may be large (exp, pow exponents, prod)."""
        if not self.guarded():
            return x
        with _quiet():
            m = float(np.max(np.abs(self.val[x]), initial=0.0))
        if m <= bound and math.isfinite(m):
            return x
        t = self.emit("tanh", x)
        return t if bound <= 1 else self.emit("mul", t, self.scalar_const(bound / 2, x.type.dtype))

    def exact_float(self) -> Value | None:
        return self.choose(lambda v: v.type.dtype in FLOATS and self.exact[v])

    # -- op families -------------------------------------------------------------------------

    def unary(self) -> None:
        x = self.value_of((F32, F64, I32))
        if x.type.dtype is I32:
            name = self.pick(["neg", "abs", "sign", "square", "relu", "identity"])
            self.emit(name, x)
            return
        name = self.pick(["neg", "abs", "sign", "square", "sqrt", "rsqrt", "reciprocal", "exp", "log",
                          "log1p", "sin", "cos", "tanh", "sigmoid", "relu", "identity", "stop_gradient"])
        if name == "sign" and not self.exact[x]:
            x = self.exact_float() or x
            if not self.exact[x]:
                name = "abs"
        if name in ("sqrt", "rsqrt", "log", "reciprocal"):
            x = self.positive(x)
        elif name == "log1p":
            x = self.emit("abs", x) if self.guarded() else x
        elif name == "exp":
            x = self.small(x, 8.0)
        self.emit(name, x)

    def binary(self) -> None:
        x = self.value_of((F32, F64, I32))
        dt = x.type.dtype
        if dt is I32:
            name = self.pick(["add", "sub", "mul", "maximum", "minimum", "pow", "relu_grad"])
        else:
            name = self.pick(["add", "sub", "mul", "div", "pow", "maximum", "minimum", "add", "mul",
                              "sqrt_grad", "rsqrt_grad", "reciprocal_grad", "tanh_grad", "sigmoid_grad",
                              "relu_grad"])
        if name.endswith("_grad"):  # TF's *Grad kernels take equal shapes (their rules assume it)
            y = self.to_shape(self.value_of((dt,)), x.type.shape)
        else:
            y = self.partner(x)
        if self.coin():
            x, y = y, x
        if name == "div":
            y = self.positive(y)
        elif name == "pow":
            if dt is I32:
                y = self.emit("minimum", self.emit("abs", y), self.scalar_const(3, I32))
            else:
                x, y = self.positive(x), self.small(y, 3.0)
        elif name in ("sqrt_grad", "rsqrt_grad", "reciprocal_grad"):
            x = self.positive(x)
            if name == "rsqrt_grad":
                x = self.small(x, 3.0)
        elif name == "relu_grad" and not self.exact[y]:
            y = self.new_const(x.type.shape, dt)  # features: compared with 0
        self.emit(name, x, y)

    def compare(self) -> None:
        if self.coin(0.3):
            x = self.value_of((BOOL,))
            if self.coin(0.3):
                self.emit("logical_not", x)
                return
            y = self.partner(x)
            self.emit(self.pick(["logical_and", "logical_or", "logical_xor", "equal", "not_equal"]), x, y)
            return
        x = self.choose(lambda v: v.type.dtype in (I32, I64) or v.type.dtype in FLOATS and self.exact[v])
        if x is None:
            x = self.value_of((I32,))
        y = self.partner(x)
        if not self.exact[y]:
            y = self.new_const(self.partner_shape(x.type.shape), x.type.dtype)
        name = self.pick(["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"])
        self.emit(name, x, y)

    def select(self) -> None:
        c = self.choose(lambda v: v.type.dtype is BOOL)
        if c is None:
            self.compare()
            c = self.pool[-1]
        t = self.value_of(self.pick([(F32, F64), (I32,), (BOOL,), (F32, F64, I32, BOOL)]))
        e = self.partner(t)
        shapes = [c.type.shape, t.type.shape, e.type.shape]
        if not _broadcastable(*shapes):
            c = self.to_shape(c, self.pick([(), t.type.shape]))
        self.emit("select", *self.pick([[c, t, e], [c, e, t]]))

    def cast(self) -> None:
        x = self.choose()
        assert x is not None
        dt = x.type.dtype
        to = self.pick([F32, F64, I32, I64, BOOL])
        if dt in FLOATS and to not in FLOATS:
            with _quiet():
                vals = self.val[x]
                ok = self.exact[x] and bool(np.all(np.isfinite(vals))) and float(np.max(np.abs(vals), initial=0)) < 1e6
            if not ok:
                to = self.pick([F32, F64])
        if dt in (I32, I64) and to is F32:
            to = F64 if float(np.max(np.abs(self.val[x]), initial=0)) >= 2**24 else F32
        self.emit("cast", x, dtype=to)

    def add_n(self) -> None:
        x = self.value_of((F32, F64, I32))
        ops = [x]
        for _ in range(self.i(0, 3)):
            same = self.choose(lambda v: v.type == x.type)
            ops.append(same if same is not None and self.coin(0.6) else self.to_shape(self.value_of((x.type.dtype,)),
                                                                                          x.type.shape))
        self.emit("add_n", *ops)

    def reduce(self) -> None:
        x = self.value_of((F32, F64, I32))
        name = self.pick(["sum", "mean", "max", "min", "prod", "sum"])
        r = x.type.rank
        kind = self.pick(["none", "int", "list"]) if r else self.pick(["none", "list"])
        axes: Any
        if kind == "none":
            axes = None
        elif kind == "int":
            axes = self.i(-r, r - 1)
        else:
            sub = self.draw(st.lists(st.integers(0, max(r - 1, 0)), unique=True, max_size=r)) if r else []
            axes = [a - r if self.coin() else a for a in sub]
        if name == "prod":
            x = self.small(x, 2.0) if x.type.dtype in FLOATS else x
        if name == "mean" and x.type.dtype is I32:
            if float(np.max(np.abs(self.val[x]), initial=0)) > 2**20:
                name = "sum"
        self.emit(name, x, axes=axes, keepdims=self.coin())

    def layout(self) -> None:
        x = self.choose()
        assert x is not None
        s, r = x.type.shape, x.type.rank
        name = self.pick(["reshape", "transpose", "expand_dims", "squeeze", "broadcast_to", "tile", "slice",
                          "strided_slice", "strided_slice", "concat", "pack", "unpack", "fill", "query"])
        if name == "reshape":
            n = x.type.size
            dims = _factorization(self, n)
            if dims and self.coin(0.3):
                dims[self.i(0, len(dims) - 1)] = -1
            self.emit("reshape", x, shape=dims)
        elif name == "transpose":
            perm = self.draw(st.permutations(list(range(r)))) if self.coin(0.8) else None
            self.emit("transpose", x, perm=perm)
        elif name == "expand_dims":
            self.emit("expand_dims", x, axis=self.i(-r - 1, r))
        elif name == "squeeze":
            ones = [k for k, d in enumerate(s) if d == 1]
            axes = None if not ones or self.coin(0.3) else self.draw(
                st.lists(st.sampled_from(ones), unique=True, min_size=1))
            self.emit("squeeze", x, axes=axes)
        elif name == "broadcast_to":
            dst = tuple(self.pick([2, 3]) if d == 1 and self.coin() else d for d in s)
            if len(dst) < 4 and self.coin():
                dst = (self.pick([1, 2, 3]),) + dst
            self.emit("broadcast_to", x, shape=list(dst))
        elif name == "tile" and r:
            self.emit("tile", x, multiples=[self.pick([1, 1, 2, 3]) for _ in s])
        elif name == "slice" and r:
            begin = [self.i(0, d - 1) for d in s]
            size = [self.pick([-1, self.i(1, d - b)]) for d, b in zip(s, begin)]
            self.emit("slice", x, begin=begin, size=size)
        elif name == "strided_slice" and r:
            key = slice_key(self, s)
            self.emit("strided_slice", x, **dict(slice_attrs(s, key)))
            self.log[-1] += f" key={key!r}"
        elif name == "concat" and r:
            axis = self.i(-r, r - 1)
            parts = [x]
            for _ in range(self.i(0, 2)):
                want = list(s)
                want[axis] = self.i(1, 3)
                same = self.choose(lambda v, w=tuple(want): v.type.shape == w and v.type.dtype == x.type.dtype)
                parts.append(same if same is not None and self.coin() else
                             self.to_shape(self.value_of((x.type.dtype,)), tuple(want)))
            self.emit("concat", *self.draw(st.permutations(parts)), axis=axis)
        elif name == "pack" and r < 3:
            parts = [x]
            for _ in range(self.i(0, 2)):
                parts.append(self.to_shape(self.value_of((x.type.dtype,)), s) if self.coin() else x)
            self.emit("pack", *parts, axis=self.i(-r - 1, r))
        elif name == "unpack" and r:
            axis = self.i(-r, r - 1)
            self.emit_op("unpack", [x], axis=axis, num=s[axis] if self.coin() else None)
        elif name == "fill":
            src = self.to_shape(x, ()) if x.type.size == 1 else self.emit("max", x, axes=None, keepdims=False) \
                if x.type.dtype in (F32, F64, I32, I64) else self.to_shape(x, (1,))
            if src.type.rank:
                src = self.emit("reshape", src, shape=[])
            self.emit("fill", src, dims=list(self.shape()))
        elif name == "query":
            self.emit(self.pick(["shape", "rank", "size"] if x.type.rank else ["rank", "size"]), x)
        else:
            self.emit("identity", x)

    def matmul(self) -> None:
        x = self.value_of(self.pick([(F32, F64), (F32, F64), (I32,)]))
        dt = x.type.dtype
        m, k, n = (self.pick([1, 2, 3, 4]) for _ in range(3))
        if self.coin(0.6):
            ta, tb = self.coin(), self.coin()
            a = self.to_shape(x, (k, m) if ta else (m, k))
            y = self.to_shape(self.value_of((dt,)) if self.coin() else self.new_const((k * n,), dt),
                              (n, k) if tb else (k, n))
            a, y = (self.small(a, 4.0), self.small(y, 4.0)) if dt in FLOATS else (a, y)
            self.emit("matmul", a, y, transpose_a=ta, transpose_b=tb)
            return
        ax, ay = self.coin(), self.coin()
        bx, by = self.pick([((2,), (2,)), ((2, 1), (3,)), ((), (2,)), ((1,), (2,)), ((2,), ())])
        a = self.to_shape(x, (*bx, k, m) if ax else (*bx, m, k))
        y = self.to_shape(self.value_of((dt,)), (*by, n, k) if ay else (*by, k, n))
        self.emit("batch_matmul", a, y, adj_x=ax, adj_y=ay)

    def nn(self) -> None:
        x = self.value_of((F32, F64))
        name = self.pick(["softmax", "log_softmax", "l2_loss", "softmax_xent"])
        if name == "l2_loss":
            self.emit("l2_loss", self.small(x, 100.0))
            return
        if x.type.rank == 0:
            x = self.emit("reshape", x, shape=[1])
        if name == "softmax_xent":
            if x.type.rank != 2:
                x = self.to_shape(x, (self.pick([1, 2, 3]), self.pick([1, 2, 3, 4])))
            lab = self.to_shape(self.value_of((x.type.dtype,)), x.type.shape)
            lab = self.emit("softmax", self.small(lab, 8.0)) if self.coin(0.7) else lab
            self.emit_op("softmax_xent", [x, lab])
            return
        self.emit(name, x)

    def constant(self) -> None:
        self.new_const(self.shape(), self.pick([F32, F64, I32, BOOL]))

    STEPS = (("unary", 6), ("binary", 8), ("compare", 3), ("select", 3), ("cast", 2), ("add_n", 1),
             ("reduce", 5), ("layout", 8), ("matmul", 2), ("nn", 2), ("constant", 1))

    def step(self) -> None:
        names = [n for n, w in self.STEPS for _ in range(w)]
        getattr(self, self.pick(names))()


def _broadcastable(*shapes: tuple[int, ...]) -> bool:
    try:
        np.broadcast_shapes(*shapes)
        return True
    except ValueError:
        return False


def slice_key(g: Gen, shape: tuple[int, ...]) -> tuple[Any, ...]:
    """A Python index key selecting a non-empty part: ints, slices with steps in {-2,-1,1,2}
    (negative bounds too), None, an Ellipsis. (opcases.slice_key may draw an empty x[1:0].)"""
    key: list[Any] = []
    for d in shape[: g.i(0, len(shape))]:
        kind = g.pick(["int", "slice", "slice", "neg"])
        if kind == "int":
            i = g.i(0, d - 1)
            key.append(i - d if g.coin() else i)
            continue
        step = g.pick([1, 2]) * (-1 if kind == "neg" else 1)
        b = g.i(0, d - 1)
        room = (d - b) if step > 0 else b + 1
        n = g.i(1, -(-room // abs(step)))
        e = b + n * step
        start: int | None = b - d if g.coin() else b
        stop: int | None = e if 0 <= e <= d else None
        if stop is not None and 0 < stop < d and g.coin():
            stop -= d
        if start == (0 if step > 0 else d - 1) and g.coin():
            start = None
        key.append(slice(start, stop, None if step == 1 and g.coin() else step))
    if g.coin():
        key.insert(g.i(0, len(key)), None)
    if g.coin():
        key.append(Ellipsis)
    return tuple(key)


def _factorization(g: Gen, n: int) -> list[int]:
    dims: list[int] = []
    rest = n
    while rest > 1 and len(dims) < 3:
        f = g.pick([d for d in range(1, rest + 1) if rest % d == 0])
        dims.append(f)
        rest //= f
    if rest > 1:
        dims.append(rest)
    if len(dims) < 4 and g.coin(0.3):
        dims.insert(g.i(0, len(dims)), 1)
    return dims


@st.composite
def programs(draw: Draw, special: bool = False, grads: bool | None = None, optimize: bool | None = None,
             min_ops: int = 3, max_ops: int = 25) -> Prog:
    g = Gen(draw, special)
    for k in range(draw(st.integers(1, 4))):
        dt = draw(st.sampled_from(ARG_DTYPES))
        shape = g.shape()
        v = g.b.add_arg(f"a{k}", TensorType(shape, dt))
        a = g.array(shape, dt, special=special and dt in FLOATS)
        g.args.append(a)
        g.val[v] = a
        g.exact[v] = True
        g.pool.append(v)
    n_ops = draw(st.integers(min_ops, max_ops))
    while len(g.fn.ops) < n_ops:
        g.step()
    # Outputs: recent values, maybe an argument, a constant, the same value twice.
    outs: list[Value] = [g.pool[-1]]
    for _ in range(draw(st.integers(0, 3))):
        outs.append(draw(st.sampled_from(g.pool)))
    if draw(st.booleans()):
        outs.append(draw(st.sampled_from(g.fn.args)))
    if draw(st.integers(0, 4)) == 0:
        c = g.b.constant(g.array(g.shape(), draw(st.sampled_from(ARG_DTYPES))))
        outs.append(c)
    if draw(st.integers(0, 3)) == 0:
        outs.append(draw(st.sampled_from(outs)))
    want_grads = draw(st.booleans()) if grads is None else grads
    fargs = [a for a in g.fn.args if a.type.dtype in FLOATS]
    did_grads = False
    if want_grads and fargs:
        floats_ = [v for v in g.pool if v.type.dtype in FLOATS]
        y = draw(st.sampled_from(floats_))
        loss = g.emit("l2_loss", g.small(y, 30.0)) if draw(st.booleans()) else g.emit("sum", y, axes=None)
        with _quiet():
            bad = not np.all(np.isfinite(g.val[loss]))
        if not bad or special:
            gs = gradients(g.b, [loss], fargs)
            outs += [d for d in gs if d is not None]
            did_grads = True
    g.fn.outputs = outs
    prog = Prog(g.fn, g.args, special, did_grads, log=g.log)
    if (draw(st.booleans()) if optimize is None else optimize):
        from gradc.compiler.passes import PassManager, default_pipeline

        prog.reference = clone(g.fn)
        PassManager(default_pipeline()).run(g.fn)
        prog.optimized = True
    return prog


# -- checking -------------------------------------------------------------------------------------


def run_env(fn: Function, args: list[np.ndarray]) -> dict[Value, np.ndarray]:
    """The interpreter, keeping every intermediate value."""
    env: dict[Value, np.ndarray] = {}
    for v, a in zip(fn.args, args):
        env[v] = np.asarray(a, dtype=v.type.dtype.np).reshape(v.type.shape)
    for op in fn.ops:
        with _quiet():
            outs = registry.get(op.opdef).kernel([env[v] for v in op.operands], op.attrs)
        for r, o in zip(op.results, outs):
            env[r] = np.asarray(o, dtype=r.type.dtype.np).reshape(r.type.shape)
    return env


@dataclass
class Tol:
    rtol: float
    atol: float
    exact: bool


def tolerances(fn: Function, env: dict[Value, np.ndarray]) -> dict[Value, Tol]:
    """Per value: exact (ints, bools, exact float cones) or rtol/atol scaled by its cone's magnitude."""
    scale: dict[Value, float] = {}
    inexact: dict[Value, bool] = {}
    heavy: dict[Value, bool] = {}
    depth: dict[Value, int] = {}
    single: dict[Value, bool] = {}  # float32 arithmetic upstream (a float64 cast of it keeps its error)

    def mag(a: np.ndarray) -> float:
        if a.dtype == bool or a.size == 0:
            return 0.0
        with _quiet():
            f = np.abs(a.astype(np.float64))
        f = f[np.isfinite(f)]
        return float(f.max(initial=0.0))

    for v in fn.args:
        scale[v], inexact[v], heavy[v], depth[v], single[v] = mag(env[v]), False, False, 0, False
    for op in fn.ops:
        s = max((scale[v] for v in op.operands), default=0.0)
        ine = any(inexact[v] for v in op.operands) or op.opdef not in EXACT_OPS or (
            op.opdef == "add_n" and len(op.operands) > 2)
        hv = any(heavy[v] for v in op.operands) or op.opdef in TRANSCENDENTAL | REDUCING
        d = max((depth[v] for v in op.operands), default=0) + 1
        sg = any(single[v] for v in op.operands)
        for r in op.results:
            scale[r] = max(s, mag(env[r]))
            inexact[r], heavy[r], depth[r] = ine, hv, d
            single[r] = sg or (ine and r.type.dtype is F32)
    out: dict[Value, Tol] = {}
    for v in scale:
        dt = v.type.dtype
        if dt not in FLOATS or not inexact[v]:
            out[v] = Tol(0.0, 0.0, True)
            continue
        k = 1 + depth[v] / 4
        if dt is F64 and not single[v]:
            out[v] = Tol((1e-10 if heavy[v] else 1e-12) * k, 1e-12 * k * max(1.0, scale[v]), False)
        else:
            out[v] = Tol(2e-5 * k, 1e-6 * k * max(1.0, scale[v]), False)
    return out


class Mismatch(AssertionError):
    pass


def compare(got: np.ndarray, want: np.ndarray, tol: Tol, what: str) -> None:
    if got.shape != want.shape or got.dtype != want.dtype:
        raise Mismatch(f"{what}: got {got.dtype}{list(got.shape)}, want {want.dtype}{list(want.shape)}")
    if want.dtype.kind not in "fc":
        if not np.array_equal(got, want):
            raise Mismatch(f"{what}: ints/bools differ\n got={got!r}\nwant={want!r}")
        return
    gn, wn = np.isnan(got), np.isnan(want)
    if not np.array_equal(gn, wn):
        raise Mismatch(f"{what}: NaN positions differ\n got={got!r}\nwant={want!r}")
    gi, wi = np.isinf(got), np.isinf(want)
    if not np.array_equal(gi, wi) or not np.array_equal(got[gi], want[wi]):
        raise Mismatch(f"{what}: inf positions differ\n got={got!r}\nwant={want!r}")
    fin = ~(wn | wi)
    if tol.exact:
        if not np.array_equal(got[fin], want[fin]):
            raise Mismatch(f"{what}: exact values differ\n got={got!r}\nwant={want!r}")
        return
    g64, w64 = got[fin].astype(np.float64), want[fin].astype(np.float64)
    err = np.abs(g64 - w64)
    bad = err > tol.atol + tol.rtol * np.abs(w64)
    if bad.any():
        raise Mismatch(f"{what}: max err {err.max():.3g} > atol {tol.atol:.3g} + rtol {tol.rtol:.3g}*|want|"
                       f"\n got={got!r}\nwant={want!r}")


VARIANTS: list[dict[str, Any]] = [{}, {"fuse": False}, {"blas": False}]


class KnownBug(Exception):
    """A program that hits an already-diagnosed bug (a regression test in test_fuzz_backend.py
    pins it): the fuzzer skips it to keep looking for new ones."""


def plan_order_violations(fn: Function, **opts: Any) -> list[str]:
    """Kernels of the fusion plan that read a buffer a *later* kernel writes (use before def)."""
    from gradc.compiler.lowering.llvm import lower
    from gradc.compiler.lowering.llvm.fusion import node_reads

    lm = lower(fn, **opts)
    p = lm.fusion
    if p is None:
        return []
    bad = []
    for n in p.nodes:
        for r in node_reads(p, n):
            src = p.node_of.get(r)
            if src is not None and src is not n and src.pos > n.pos:
                bad.append(f"kernel [{n.pos}] {n.label()} reads {r.name} written by later kernel [{src.pos}]")
    return bad


def _matmul_overflows(fn: Function, env: dict[Value, np.ndarray]) -> bool:
    """A matmul whose products or partial sums can overflow: its result then depends on the
    evaluation (OpenBLAS and the interpreter use FMA, the loop kernels a separate IEEE multiply
    and add: fma(3e38, -3.75, inf) = inf but 3e38*-3.75 + inf = NaN), so nothing downstream of
    it is comparable between lowerings (found by the special-values fuzzer, 1 in ~1000)."""
    for op in fn.ops:
        if op.opdef in ("matmul", "batch_matmul") and op.result.type.dtype.is_float:
            a, b = (np.abs(env[v]).astype(np.float64) for v in op.operands)
            k = max(a.shape[-2:], default=1)  # the contraction length, or more
            ma, mb = (x[np.isfinite(x)].max(initial=0.0) for x in (a, b))
            if ma * mb * k > np.finfo(op.result.type.dtype.np).max:
                return True
    return False


def check(prog: Prog, variants: list[dict[str, Any]] | None = None, skip_known: bool = True) -> None:
    """Native (each lowering variant) == interpreter; optimized == unoptimized under the interpreter."""
    from gradc.runtime.jit import compile_function

    fn, args = prog.fn, prog.args
    env = run_env(fn, args)
    tol = tolerances(fn, env)
    want = [env[v] for v in fn.outputs]
    if prog.reference is not None:
        renv = run_env(prog.reference, args)
        rtol = tolerances(prog.reference, renv)
        for i, (v, w) in enumerate(zip(prog.reference.outputs, want)):
            t = rtol[v]
            # The passes may legitimately turn an exact chain inexact-looking (folded constants): loose.
            compare(w, renv[v], Tol(max(t.rtol, 1e-12), t.atol, t.exact), f"pass pipeline, output {i}")
    order_dependent = _matmul_overflows(fn, env)
    for opts in variants if variants is not None else VARIANTS:
        # Fixed (fusion.py `_src` follows one view level, as loops read): now an invariant.
        assert not plan_order_violations(fn, **opts), f"fusion plan reads a buffer before it is written\n{prog!r}"
        nf = compile_function(fn, **opts)
        got = nf(*[a.copy() for a in args])
        assert len(got) == len(want)
        if order_dependent:  # ran without crashing; the values are not comparable
            continue
        for i, (v, g, w) in enumerate(zip(fn.outputs, got, want)):
            try:
                compare(np.asarray(g), w, tol[v], f"native {opts or 'default'}, output {i} ({v.name})")
            except Mismatch as e:
                raise Mismatch(f"{e}\n{prog!r}") from None


# -- standalone driver (crash-safe runs in a subprocess) -----------------------------------------


def main(argv: list[str]) -> int:
    import argparse

    from hypothesis import HealthCheck, given, seed, settings

    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--examples", type=int, default=500)
    p.add_argument("--special", action="store_true")
    p.add_argument("--last", default="", help="write each program here before compiling it")
    ns = p.parse_args(argv)

    @seed(ns.seed)
    @settings(max_examples=ns.examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(programs(special=ns.special))
    def run(prog: Prog) -> None:
        if ns.last:
            with open(ns.last, "w") as f:
                f.write(repr(prog))
        try:
            check(prog)
        except KnownBug as e:
            known[str(e)] = known.get(str(e), 0) + 1

    known: dict[str, int] = {}
    run()
    print(f"seed {ns.seed}: {ns.examples} examples passed; known bugs skipped: {known}")
    return 0


if __name__ == "__main__":
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main(sys.argv[1:]))
