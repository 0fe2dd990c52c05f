"""Scalar emitters: the body of the linalg.generic an `Elementwise(scalar)` op lowers to.

One table, SCALARS, maps every scalar name used by compiler/ops (`Elementwise(name)`) to a
function writing arith/math ops for any dtype the op accepts (f32, f64, i32, i64, i1). The
formulas mirror the NumPy kernels operation by operation (same order of rounding), so results
match the interpreter: maximum/minimum propagate NaN (`arith.maximumf`), *_grad ops give 0
where dy == 0, sign keeps NaN, float→int casts truncate, integer pow clamps the exponent at 0.
float64 sin/cos/tanh are written as arith (f64math.py): IREE cannot link them in f64.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradc.compiler.ir.types import DType

from . import f64math
from .emitter import Body

# (body, operand SSA names, operand dtypes, result dtype, op attrs) -> SSA name of the result
ScalarFn = Callable[[Body, list[str], list[DType], DType, dict[str, Any]], str]

_FLOAT_CMP = {"eq": "oeq", "ne": "une", "lt": "olt", "le": "ole", "gt": "ogt", "ge": "oge"}
_INT_CMP = {"eq": "eq", "ne": "ne", "lt": "slt", "le": "sle", "gt": "sgt", "ge": "sge"}
_BOOL_CMP = {"eq": "eq", "ne": "ne", "lt": "ult", "le": "ule", "gt": "ugt", "ge": "uge"}  # False < True


def arith(b: Body, kind: str, x: str, y: str, dt: DType) -> str:
    """A binary arith op picked by dtype: kind in add/sub/mul/div/max/min."""
    if dt.is_float:
        op = {"add": "addf", "sub": "subf", "mul": "mulf", "div": "divf",
              "max": "maximumf", "min": "minimumf"}[kind]
    elif dt.is_int:
        op = {"add": "addi", "sub": "subi", "mul": "muli", "div": "divsi",
              "max": "maxsi", "min": "minsi"}[kind]
    else:
        raise NotImplementedError(f"arith.{kind} on {dt.name}")
    return b.op(f"arith.{op} {x}, {y} : {dt.short}")


def cmp(b: Body, pred: str, x: str, y: str, dt: DType) -> str:
    if dt.is_float:
        return b.op(f"arith.cmpf {_FLOAT_CMP[pred]}, {x}, {y} : {dt.short}")
    table = _BOOL_CMP if dt is DType.bool else _INT_CMP
    return b.op(f"arith.cmpi {table[pred]}, {x}, {y} : {dt.short}")


def select(b: Body, c: str, x: str, y: str, dt: DType) -> str:
    return b.op(f"arith.select {c}, {x}, {y} : {dt.short}")


def _binary(kind: str) -> ScalarFn:
    return lambda b, a, ts, out, attrs: arith(b, kind, a[0], a[1], ts[0])


def _compare(pred: str) -> ScalarFn:
    return lambda b, a, ts, out, attrs: cmp(b, pred, a[0], a[1], ts[0])


def _logic(op: str) -> ScalarFn:
    return lambda b, a, ts, out, attrs: b.op(f"arith.{op} {a[0]}, {a[1]} : i1")


def _math(fn: str) -> ScalarFn:
    def emit(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
        if ts[0] is DType.float64 and fn in f64math.EXPANSIONS:  # IREE has no f64 sin/cos/tanh
            return f64math.EXPANSIONS[fn](b, a[0])
        return b.op(f"math.{fn} {a[0]} : {ts[0].short}")

    return emit


def _masked(formula: Callable[[Body, str, str, DType], str]) -> ScalarFn:
    """TF's fused *Grad kernels: formula(y, dy), but exactly 0 wherever dy == 0."""

    def fn(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
        y, dy, dt = a[0], a[1], ts[0]
        r = formula(b, y, dy, dt)
        zero = b.const(0.0, dt)
        return select(b, cmp(b, "eq", dy, zero, dt), zero, r, dt)

    return fn


def _sqrt_grad(b: Body, y: str, dy: str, dt: DType) -> str:  # dy * 0.5 / y
    return arith(b, "div", arith(b, "mul", dy, b.const(0.5, dt), dt), y, dt)


def _rsqrt_grad(b: Body, y: str, dy: str, dt: DType) -> str:  # dy * (-0.5 * y * y * y)
    t = arith(b, "mul", b.const(-0.5, dt), y, dt)
    t = arith(b, "mul", arith(b, "mul", t, y, dt), y, dt)
    return arith(b, "mul", dy, t, dt)


def _reciprocal_grad(b: Body, y: str, dy: str, dt: DType) -> str:  # -dy * y * y
    t = b.op(f"arith.negf {dy} : {dt.short}")
    return arith(b, "mul", arith(b, "mul", t, y, dt), y, dt)


def _tanh_grad(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    y, dy, dt = a[0], a[1], ts[0]  # dy * (1 - y * y)
    return arith(b, "mul", dy, arith(b, "sub", b.const(1.0, dt), arith(b, "mul", y, y, dt), dt), dt)


def _sigmoid_grad(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    y, dy, dt = a[0], a[1], ts[0]  # dy * y * (1 - y)
    return arith(b, "mul", arith(b, "mul", dy, y, dt), arith(b, "sub", b.const(1.0, dt), y, dt), dt)


def _relu_grad(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    g, x, dt = a[0], a[1], ts[0]  # where(x > 0, g, 0)
    zero = b.const(0, dt)
    return select(b, cmp(b, "gt", x, zero, dt), g, zero, dt)


def _pow(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    x, y, dt = a[0], a[1], ts[0]
    if dt.is_float:
        return b.op(f"math.powf {x}, {y} : {dt.short}")
    # NumPy's integer power with the exponent clamped at 0: square-and-multiply over the
    # exponent's bits (wrapping like NumPy); math.ipowi has no lowering in our pipeline.
    t, zero, one = dt.short, b.const(0, dt), b.const(1, dt)
    e0 = arith(b, "max", y, zero, dt)
    lo, hi, step = b.index(0), b.index(31 if dt is DType.int32 else 63), b.index(1)
    res = b.namer.fresh("pow")
    k, acc, base, e = (b.namer.fresh(n) for n in ("k", "acc", "base", "e"))
    b.raw(f"{res}:3 = scf.for {k} = {lo} to {hi} step {step} "
          f"iter_args({acc} = {one}, {base} = {x}, {e} = {e0}) -> ({t}, {t}, {t}) {{")
    inner = Body(b.namer, b.depth + 1)
    odd = cmp(inner, "ne", inner.op(f"arith.andi {e}, {one} : {t}"), zero, dt)
    acc2 = select(inner, odd, arith(inner, "mul", acc, base, dt), acc, dt)
    base2 = arith(inner, "mul", base, base, dt)
    e2 = inner.op(f"arith.shrui {e}, {one} : {t}")
    inner.raw(f"scf.yield {acc2}, {base2}, {e2} : {t}, {t}, {t}")
    b.lines.extend(inner.lines)
    b.raw("}")
    return f"{res}#0"


def _neg(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    if ts[0].is_float:
        return b.op(f"arith.negf {a[0]} : {ts[0].short}")
    return arith(b, "sub", b.const(0, ts[0]), a[0], ts[0])


def _abs(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    x, dt = a[0], ts[0]
    if dt.is_float:
        return b.op(f"math.absf {x} : {dt.short}")
    neg = _neg(b, a, ts, out, attrs)  # wraps at INT_MIN, as NumPy does
    return select(b, cmp(b, "lt", x, b.const(0, dt), dt), neg, x, dt)


def _sign(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    x, dt = a[0], ts[0]
    zero, one, m1 = b.const(0, dt), b.const(1, dt), b.const(-1, dt)
    r = select(b, cmp(b, "lt", x, zero, dt), m1, zero, dt)
    if dt.is_float:  # NaN stays NaN: only ordered comparisons pick 1/-1, unordered keeps x
        nan = b.op(f"arith.cmpf uno, {x}, {x} : {dt.short}")
        r = select(b, nan, x, r, dt)
    return select(b, cmp(b, "gt", x, zero, dt), one, r, dt)


def _square(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    return arith(b, "mul", a[0], a[0], ts[0])


def _rsqrt(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    # 1 / sqrt(x) as the kernel computes it (math.rsqrt may round differently)
    s = b.op(f"math.sqrt {a[0]} : {ts[0].short}")
    return arith(b, "div", b.const(1.0, ts[0]), s, ts[0])


def _reciprocal(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    return arith(b, "div", b.const(1.0, ts[0]), a[0], ts[0])


def _sigmoid(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    dt = ts[0]  # 1 / (1 + exp(-x))
    e = b.op(f"math.exp {b.op(f'arith.negf {a[0]} : {dt.short}')} : {dt.short}")
    one = b.const(1.0, dt)
    return arith(b, "div", one, arith(b, "add", one, e, dt), dt)


def _relu(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    return arith(b, "max", a[0], b.const(0, ts[0]), ts[0])  # maximumf keeps NaN, like np.maximum


def _logical_not(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    return b.op(f"arith.xori {a[0]}, {b.const(True, DType.bool)} : i1")


def _identity(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    return a[0]


def _select(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    return select(b, a[0], a[1], a[2], out)


def _add_n(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    acc = a[0]
    for x in a[1:]:  # left to right, as the kernel accumulates
        acc = arith(b, "add", acc, x, out)
    return acc


def cast(b: Body, x: str, src: DType, dst: DType) -> str:
    """NumPy's astype: float→int truncates, anything→bool is `!= 0`, bool→number is 0/1."""
    if src is dst:
        return x
    s, d = src.short, dst.short
    if dst is DType.bool:
        return cmp(b, "ne", x, b.const(0, src), src)  # une: NaN → True, as bool(nan)
    if src is DType.bool:
        return b.op(f"arith.uitofp {x} : i1 to {d}" if dst.is_float else f"arith.extui {x} : i1 to {d}")
    if src.is_float and dst.is_float:
        return b.op(f"arith.{'extf' if dst is DType.float64 else 'truncf'} {x} : {s} to {d}")
    if src.is_int and dst.is_int:
        return b.op(f"arith.{'extsi' if dst is DType.int64 else 'trunci'} {x} : {s} to {d}")
    return b.op(f"arith.{'fptosi' if src.is_float else 'sitofp'} {x} : {s} to {d}")


def _cast(b: Body, a: list[str], ts: list[DType], out: DType, attrs: dict[str, Any]) -> str:
    return cast(b, a[0], ts[0], out)


SCALARS: dict[str, ScalarFn] = {
    "add": _binary("add"), "sub": _binary("sub"), "mul": _binary("mul"), "div": _binary("div"),
    "maximum": _binary("max"), "minimum": _binary("min"), "pow": _pow,
    "sqrt_grad": _masked(_sqrt_grad), "rsqrt_grad": _masked(_rsqrt_grad),
    "reciprocal_grad": _masked(_reciprocal_grad), "tanh_grad": _tanh_grad,
    "sigmoid_grad": _sigmoid_grad, "relu_grad": _relu_grad,
    "equal": _compare("eq"), "not_equal": _compare("ne"), "less": _compare("lt"),
    "less_equal": _compare("le"), "greater": _compare("gt"), "greater_equal": _compare("ge"),
    "logical_and": _logic("andi"), "logical_or": _logic("ori"), "logical_xor": _logic("xori"),
    "neg": _neg, "abs": _abs, "sign": _sign, "square": _square, "sqrt": _math("sqrt"),
    "rsqrt": _rsqrt, "reciprocal": _reciprocal, "exp": _math("exp"), "log": _math("log"),
    "log1p": _math("log1p"), "sin": _math("sin"), "cos": _math("cos"), "tanh": _math("tanh"),
    "sigmoid": _sigmoid, "relu": _relu, "logical_not": _logical_not, "identity": _identity,
    "stop_gradient": _identity, "cast": _cast, "select": _select, "add_n": _add_n,
}
