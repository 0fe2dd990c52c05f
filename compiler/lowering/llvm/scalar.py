"""Scalar emitters: one per `Elementwise(scalar)` name, matching the NumPy kernels bit for bit.

Each emitter gets register values (bool as i1) of the operands' dtype and returns the result in
the op's result dtype. Semantics follow compiler/ops/elementwise.py, including NumPy's NaN
rules (maximum/minimum return the NaN operand, sign(nan) = nan), integer wraparound, integer
pow with negative exponents clamped to 0, and x86's float->int conversion result (INT_MIN)
for NaN and out-of-range values, made well-defined instead of LLVM poison.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llvmlite import ir

from gradc.compiler.ir.types import DType

from .common import I1, Ctx

B = ir.IRBuilder
Vals = list[ir.Value]
DTs = list[DType]
Attrs = dict[str, Any]
Emitter = Callable[[Ctx, B, Vals, DTs, DType, Attrs], ir.Value]
EMITTERS: dict[str, Emitter] = {}


def emitter(*names: str) -> Callable[[Emitter], Emitter]:
    def deco(f: Emitter) -> Emitter:
        for n in names:
            EMITTERS[n] = f
        return f

    return deco


def const(ty: ir.Type, v: float | int) -> ir.Constant:
    return ir.Constant(ty, v)


def is_float(v: ir.Value) -> bool:
    return isinstance(v.type, (ir.FloatType, ir.DoubleType))


def _fadd(c: Ctx, b: B, x: ir.Value, y: ir.Value) -> ir.Value:
    return b.fadd(x, y, flags=c.fm)


def _fsub(c: Ctx, b: B, x: ir.Value, y: ir.Value) -> ir.Value:
    return b.fsub(x, y, flags=c.fm)


def _fmul(c: Ctx, b: B, x: ir.Value, y: ir.Value) -> ir.Value:
    return b.fmul(x, y, flags=c.fm)


def _fdiv(c: Ctx, b: B, x: ir.Value, y: ir.Value) -> ir.Value:
    return b.fdiv(x, y, flags=c.fm)


def _call(c: Ctx, b: B, fn: ir.Function, *args: ir.Value) -> ir.Value:
    return b.call(fn, list(args), fastmath=c.fm)


# -- arithmetic -------------------------------------------------------------------------------


@emitter("add")
def _add(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    return _fadd(c, b, a[0], a[1]) if is_float(a[0]) else b.add(a[0], a[1])


@emitter("sub")
def _sub(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    return _fsub(c, b, a[0], a[1]) if is_float(a[0]) else b.sub(a[0], a[1])


@emitter("mul")
def _mul(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    return _fmul(c, b, a[0], a[1]) if is_float(a[0]) else b.mul(a[0], a[1])


@emitter("div")
def _div(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    return _fdiv(c, b, a[0], a[1])


@emitter("add_n")
def _add_n(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    acc = a[0]  # left fold, the order of the NumPy kernel
    for x in a[1:]:
        if is_float(acc):
            acc = _fadd(c, b, acc, x)
        elif acc.type == I1:
            acc = b.or_(acc, x)  # bool + bool is logical or in NumPy
        else:
            acc = b.add(acc, x)
    return acc


def _ipow_helper(c: Ctx, ty: ir.IntType) -> ir.Function:
    """int pow by squaring with wraparound (NumPy's result modulo 2^n); y < 0 acts as 0."""
    name = f"gradc.ipow.i{ty.width}"
    if name in c.helpers:
        return c.helpers[name]
    fn = ir.Function(c.module, ir.FunctionType(ty, [ty, ty]), name)
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    x, y = fn.args
    entry = fn.append_basic_block("entry")
    head = fn.append_basic_block("head")
    body = fn.append_basic_block("body")
    done = fn.append_basic_block("done")
    bb = ir.IRBuilder(entry)
    zero, one = const(ty, 0), const(ty, 1)
    y0 = bb.select(bb.icmp_signed("<", y, zero), zero, y)
    bb.branch(head)
    bb.position_at_end(head)
    acc, base, e = bb.phi(ty), bb.phi(ty), bb.phi(ty)
    acc.add_incoming(one, entry)
    base.add_incoming(x, entry)
    e.add_incoming(y0, entry)
    bb.cbranch(bb.icmp_signed("==", e, zero), done, body)
    bb.position_at_end(body)
    odd = bb.icmp_signed("!=", bb.and_(e, one), zero)
    acc2 = bb.select(odd, bb.mul(acc, base), acc)
    acc.add_incoming(acc2, body)
    base.add_incoming(bb.mul(base, base), body)
    e.add_incoming(bb.lshr(e, one), body)
    bb.branch(head)
    bb.position_at_end(done)
    bb.ret(acc)
    c.helpers[name] = fn
    return fn


@emitter("pow")
def _pow(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    if is_float(a[0]):
        return vecmath.pow(c, b, a[0], a[1])  # vectorisable; C99 special cases
    return b.call(_ipow_helper(c, a[0].type), [a[0], a[1]])


def _isnan(b: B, x: ir.Value) -> ir.Value:
    return b.fcmp_unordered("uno", x, x)


def np_max(c: Ctx, b: B, x: ir.Value, y: ir.Value) -> ir.Value:
    """np.maximum: NaN if x is NaN, else (x > y ? x : y), so NaN in y propagates and max(±0) = y."""
    if not is_float(x):
        return b.select(b.icmp_signed(">", x, y), x, y)
    return b.select(b.or_(_isnan(b, x), b.fcmp_ordered(">", x, y)), x, y)


def np_min(c: Ctx, b: B, x: ir.Value, y: ir.Value) -> ir.Value:
    if not is_float(x):
        return b.select(b.icmp_signed("<", x, y), x, y)
    return b.select(b.or_(_isnan(b, x), b.fcmp_ordered("<", x, y)), x, y)


@emitter("maximum")
def _maximum(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    return np_max(c, b, a[0], a[1])


@emitter("minimum")
def _minimum(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    return np_min(c, b, a[0], a[1])


# -- fused gradient kernels: (y, dy) operands; the masked ones give 0 where dy == 0 -------------


def _mask(c: Ctx, b: B, dy: ir.Value, r: ir.Value) -> ir.Value:
    return b.select(b.fcmp_ordered("==", dy, const(dy.type, 0.0)), const(r.type, 0.0), r)


@emitter("sqrt_grad")
def _sqrt_grad(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    y, dy = a
    return _mask(c, b, dy, _fdiv(c, b, _fmul(c, b, dy, const(y.type, 0.5)), y))


@emitter("rsqrt_grad")
def _rsqrt_grad(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    y, dy = a
    t = _fmul(c, b, _fmul(c, b, _fmul(c, b, const(y.type, -0.5), y), y), y)
    return _mask(c, b, dy, _fmul(c, b, dy, t))


@emitter("reciprocal_grad")
def _reciprocal_grad(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    y, dy = a
    return _mask(c, b, dy, _fmul(c, b, _fmul(c, b, b.fneg(dy, flags=c.fm), y), y))


@emitter("tanh_grad")
def _tanh_grad(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    y, dy = a
    return _fmul(c, b, dy, _fsub(c, b, const(y.type, 1.0), _fmul(c, b, y, y)))


@emitter("sigmoid_grad")
def _sigmoid_grad(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    y, dy = a
    return _fmul(c, b, _fmul(c, b, dy, y), _fsub(c, b, const(y.type, 1.0), y))


@emitter("relu_grad")
def _relu_grad(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    g, x = a
    if is_float(x):
        pos = b.fcmp_ordered(">", x, const(x.type, 0.0))
    else:
        pos = b.icmp_signed(">", x, const(x.type, 0))
    return b.select(pos, g, const(g.type, 0.0 if is_float(g) else 0))


# -- comparisons and logic --------------------------------------------------------------------

_CMP = {"equal": "==", "not_equal": "!=", "less": "<", "less_equal": "<=", "greater": ">",
        "greater_equal": ">="}


def _compare(name: str) -> Emitter:
    op = _CMP[name]

    def f(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
        x, y = a
        if is_float(x):  # IEEE: every comparison with NaN is false except !=
            return b.fcmp_unordered(op, x, y) if op == "!=" else b.fcmp_ordered(op, x, y)
        if x.type == I1:
            return b.icmp_unsigned(op, x, y)  # False < True
        return b.icmp_signed(op, x, y)

    return f


for _n in _CMP:
    EMITTERS[_n] = _compare(_n)
EMITTERS["logical_and"] = lambda c, b, a, d, o, t: b.and_(a[0], a[1])
EMITTERS["logical_or"] = lambda c, b, a, d, o, t: b.or_(a[0], a[1])
EMITTERS["logical_xor"] = lambda c, b, a, d, o, t: b.xor(a[0], a[1])
EMITTERS["logical_not"] = lambda c, b, a, d, o, t: b.xor(a[0], const(I1, 1))
EMITTERS["identity"] = EMITTERS["stop_gradient"] = lambda c, b, a, d, o, t: a[0]
EMITTERS["select"] = lambda c, b, a, d, o, t: b.select(a[0], a[1], a[2])

from . import scalar_unary, vecmath  # noqa: E402,F401  (registers the unary emitters and cast)
