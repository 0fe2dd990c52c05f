"""Unary scalar emitters and `cast`, registered into `scalar.EMITTERS` (split to keep files small).

sqrt and abs are LLVM intrinsics (single instructions); exp, log, log1p, sin, cos, tanh and
sigmoid are vecmath's branch-free, vectorisable implementations (accuracy stated there; a few
float64 ones still call libm).
"""

from __future__ import annotations

from llvmlite import ir

from gradc.compiler.ir.types import DType

from . import vecmath
from .common import Ctx, reg_type
from .scalar import EMITTERS, Attrs, B, DTs, Vals, _call, _fdiv, _fmul, const, emitter, is_float, np_max


def _bind_vecmath(name: str) -> None:
    vm = getattr(vecmath, name)

    def f(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
        return vm(c, b, a[0])

    EMITTERS[name] = f


for _n in ("sqrt", "exp", "log", "sin", "cos", "tanh", "log1p", "sigmoid"):
    _bind_vecmath(_n)


def _one(x: ir.Value) -> ir.Constant:
    return const(x.type, 1.0)


@emitter("rsqrt")
def _rsqrt(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    x = a[0]
    return _fdiv(c, b, _one(x), _call(c, b, c.intrinsic("llvm.sqrt", x.type), x))


@emitter("reciprocal")
def _reciprocal(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    return _fdiv(c, b, _one(a[0]), a[0])


@emitter("neg")
def _neg(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    return b.fneg(a[0], flags=c.fm) if is_float(a[0]) else b.sub(const(a[0].type, 0), a[0])


@emitter("abs")
def _abs(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    x = a[0]
    if is_float(x):
        return _call(c, b, c.intrinsic("llvm.fabs", x.type), x)
    return b.select(b.icmp_signed("<", x, const(x.type, 0)), b.sub(const(x.type, 0), x), x)


@emitter("sign")
def _sign(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    x = a[0]
    if is_float(x):  # x > 0 ? 1 : x < 0 ? -1 : x == 0 ? +0 : x (NaN passes through)
        z = const(x.type, 0.0)
        r = b.select(b.fcmp_ordered("==", x, z), z, x)
        r = b.select(b.fcmp_ordered("<", x, z), const(x.type, -1.0), r)
        return b.select(b.fcmp_ordered(">", x, z), const(x.type, 1.0), r)
    pos = b.zext(b.icmp_signed(">", x, const(x.type, 0)), x.type)
    neg = b.zext(b.icmp_signed("<", x, const(x.type, 0)), x.type)
    return b.sub(pos, neg)


@emitter("square")
def _square(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    return _fmul(c, b, a[0], a[0]) if is_float(a[0]) else b.mul(a[0], a[0])


@emitter("relu")
def _relu(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    x = a[0]  # np.maximum(x, 0): NaN stays NaN, relu(-0.0) = +0.0
    return np_max(c, b, x, const(x.type, 0.0 if is_float(x) else 0))


@emitter("cast")
def _cast(c: Ctx, b: B, a: Vals, dts: DTs, out: DType, at: Attrs) -> ir.Value:
    x, src = a[0], dts[0]
    dst_ty = reg_type(out)
    if src is out:
        return x
    if out is DType.bool:  # nonzero -> True; NaN is nonzero
        if src.is_float:
            return b.fcmp_unordered("!=", x, const(x.type, 0.0))
        return b.icmp_signed("!=", x, const(x.type, 0))
    if src is DType.bool:
        return b.uitofp(x, dst_ty) if out.is_float else b.zext(x, dst_ty)
    if src.is_float and out.is_float:
        return b.fpext(x, dst_ty) if out is DType.float64 else b.fptrunc(x, dst_ty)
    if src.is_int and out.is_float:
        return b.sitofp(x, dst_ty)
    if src.is_int and out.is_int:
        return b.sext(x, dst_ty) if dst_ty.width > x.type.width else b.trunc(x, dst_ty)
    return float_to_int(b, x, dst_ty)


def float_to_int(b: B, x: ir.Value, ty: ir.IntType) -> ir.Value:
    """Truncate toward zero; NaN / out of range give INT_MIN as on x86 (and so in NumPy there)
    instead of LLVM's poison."""
    w = ty.width
    lo, hi = const(x.type, -(2.0 ** (w - 1))), const(x.type, 2.0 ** (w - 1))
    ok = b.and_(b.fcmp_ordered(">=", x, lo), b.fcmp_ordered("<", x, hi))
    return b.select(ok, b.fptosi(x, ty), const(ty, -(2 ** (w - 1))))
