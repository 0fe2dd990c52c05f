"""vecmath's float32 sin, cos and tanh (split from vecmath.py; the module docstring there has the
accuracy table). All three use explicit fused multiply-adds (`llvm.fma`, one rounding each): the
algorithm's own choice, measured with it, and the same with and without fastmath. On the JIT's
target (the host: AVX-512 with FMA) each is one instruction; a target without FMA would get libm's
`fmaf`/`fma`, slower but giving the same results.

sin, cos: evaluated in float64 (the argument reduction needs more than float32's 24 bits):
  t = x*2/pi + 1.5*2^52 rounds x*2/pi to the integer n in t's low mantissa bits, so n's quadrant
  bits come from a bitcast (no float -> int conversion, no poison for inf/NaN); r = x - n*pi/2 by
  FreeBSD e_rem_pio2f.c's 2-part pi/2 (pio2_1 has 25 bits, so x - n*pio2_1 is exact), then
  FreeBSD k_sinf.c / k_cosf.c's polynomials in z = r^2. One body computes both polynomials and
  picks by quadrant: a loop that needs sin(x) and cos(x) shares all of it after inlining (CSE).
  The 2-part reduction is exact for abs(x) < 2^28*pi/2 only. From abs(x) >= 2^28 on (inf, NaN
  included) r and n come from `_FIXUP` instead: x = m*2^k (m < 2^24 an integer, k >= 5), and
  x*2/pi = m*(2^k*2/pi mod 4) (mod 4), the last factor read from a table indexed by x's
  exponent field as hi + lo (hi a multiple of 2^-28, so m*hi is exact in float64; both scaled
  by 2^-k, so the products are x*hi + x*lo), n = round(x*hi) then corrected by the x*lo term;
  the reduced argument keeps ~50 bits where it cancels most (x = 16367173*2^72, within 2^-29.9
  of a multiple of pi/2). Max error over every float32 from 2^28 on: 0.5009 ulp.
  The fixup is one out-of-line call per vector (sin and cos of one x share it: n rides in r's
  two lowest bits, 2^-51 of r), whose variants preserve every register (no spills in the
  calling loop) and return at once when no lane is huge. It is not inline select code:
  measured on W2, a branch-free table reduction in the loop costs +15% (its gathers; LLVM also
  picks 4 lanes instead of 8 for the loop, +68%), this call ~+7%.

tanh: odd, so computed on a = |x| and given x's sign at the end (copysign: keeps ±0 and NaN):
  a < 0.625: Cephes tanhf's minimax a + a*s*P(s), s = a^2;
  a >= 0.625: 1 - 2/(e^(2a) + 1) with e^y built here, not by the general exp: y = min(2a, 18.5)
  (tanh rounds to 1 from a = 9.02 on) never overflows or underflows, so e^y = 2^n * (1 + p),
  n from a 1.5*2^23 shifter, r = y - n*ln2 in 2 FMA steps, p = expm1(r) = r + r^2*Q(r) with Q a
  degree-4 relative minimax on |r| <= ln2/2 fitted for this (Lawson-weighted least squares,
  rel. error 2^-25.8; the tanh formula damps it by 2/(e^y+1) <= 0.45), and 2^n added to the
  exponent bits. Both branches are computed (branch-free), ~27 vector instructions and one
  division in all, against ~58 for the previous Cephes tanhf on the general exp.
"""

from __future__ import annotations

import math
import struct
from fractions import Fraction

from llvmlite import ir

from . import vecmath_outline as outline
from .common import F32, F64, I32, PTR, Ctx
from .vecmath import _E, _LN2_HI, _LN2_LO, _SHIFT32, B, Body, _call, _libm

# -- sin, cos (float32 evaluated in float64) ----------------------------------------------------

# FreeBSD k_sinf.c / k_cosf.c: minimax on [-pi/4, pi/4], errors < 2^-37.5 / 2^-34.1.
_SIN = (-0.166666666416265235595, 0.0083333293858894631756, -0.000198393348360966317347,
        0.0000027183114939898219064)
_COS = (-0.499999997251031003120, 0.0416666233237390631894, -0.00138867637746099294692,
        0.0000243904487962774090654)
# pi/2 = _PIO2_1 (25 bits: n*_PIO2_1 exact for n < 2^28) + _PIO2_1T (FreeBSD e_rem_pio2f.c).
_PIO2_1, _PIO2_1T = 1.57079631090164184570e+00, 1.58932547735281966916e-08
_PIO2 = 1.57079632679489661923
_SHIFT64 = 1.5 * 2.0**52  # adding it rounds a double below 2^51 to an integer, kept in the low bits
# |x| from 2^28 on (float32 bits; the 2-part reduction is exact below 2^28*pi/2): the table's.
_HUGE_BITS, _HUGE_E = 0x4D800000, 155  # 2^28 and its exponent field
_FIXUP = "gradc.vm.rem_pio2_huge"


def _atan_inv(n: int, one: int) -> int:
    """atan(1/n) * one, by its Taylor series in integers (truncation error a few units)."""
    total, term, k = 0, one // n, 0
    while term:
        total += -(term // (2 * k + 1)) if k % 2 else term // (2 * k + 1)
        term //= n * n
        k += 1
    return total


def _reduction_table() -> tuple[list[float], list[float]]:
    """(hi, lo) per float32 exponent field E >= _HUGE_E (row E - _HUGE_E, E = 255 included).

    x = m*2^k with an integer m < 2^24 and k = E - 150 >= 5, so x*2/pi = m*(2^k*2/pi), in which
    2^k*2/pi may be taken mod 4 (m*4 is a multiple of 4): F = 2^k*2/pi mod 4, centred in [-2, 2),
    is split into hi (a multiple of 2^-28, so m*hi < 2^25 is exact in float64) and lo (the rest,
    |lo| <= 2^-29, rounded to 53 bits), both scaled by 2^-k so the multiplier is x itself:
    x*hi + x*lo = x*2/pi (mod 4) with an absolute error below 2^24 * 2^-82."""
    prec = 400  # bits of 2/pi after the point: k <= 105 leaves ~290 below F's point
    one = 1 << (prec + 8)
    pi = 16 * _atan_inv(5, one) - 4 * _atan_inv(239, one)
    t = (2 * one * one // pi) >> 8  # floor(2/pi * 2^prec), 2/pi = 0x0.a2f9836e4e44...
    hi: list[float] = []
    lo: list[float] = []
    for e in range(_HUGE_E, 256):
        k = e - 150
        f = (t << k) % (4 << prec)
        f -= (4 << prec) if f >= (2 << prec) else 0
        h = (f + (1 << (prec - 29))) >> (prec - 28)  # f rounded to a multiple of 2^-28
        hi.append(math.ldexp(h, -28 - k))
        lo.append(math.ldexp(float(Fraction(f - (h << (prec - 28)), 1 << prec)), -k))  # rounded once
    return hi, lo


_TABLE = dict(zip(("hi", "lo"), _reduction_table(), strict=True))


def _table(c: Ctx, part: str) -> ir.GlobalVariable:
    """The module's constant `[N x double]` table of _TABLE[part], created once."""
    name = f"{_FIXUP}.{part}"
    g = c.module.globals.get(name)
    if g is None:
        ty = ir.ArrayType(F64, len(_TABLE[part]))
        g = ir.GlobalVariable(c.module, ty, name)
        g.global_constant = True
        g.linkage = "internal"
        g.unnamed_addr = True
        g.align = 64
        g.initializer = ir.Constant(ty, _TABLE[part])
    return g


def _lookup(e: _E, g: ir.GlobalVariable, idx: ir.Value, mask: ir.Value) -> ir.Value:
    """g[idx] (float64): a load, or on vectors a gather of the lanes in `mask`."""
    b = e.b
    ptr = b.gep(g, [ir.Constant(I32, 0), idx], inbounds=True, source_etype=g.value_type)
    if not e.lanes:
        return b.load(ptr, typ=F64)
    ptr.type = ir.VectorType(PTR, e.lanes)  # llvmlite types every GEP as a scalar pointer
    name = f"llvm.masked.gather.v{e.lanes}f64.v{e.lanes}p0"
    fn = e.c.module.globals.get(name)
    if fn is None:
        fn = ir.Function(e.c.module, ir.FunctionType(e.ty, [ptr.type, I32, mask.type, e.ty]), name)
    return b.call(fn, [ptr, ir.Constant(I32, 8), mask, e.k(0.0)])


def _reduce_huge(e32: _E, renc: ir.Value, x: ir.Value, huge: ir.Value) -> ir.Value:
    """renc, or in the lanes `huge` the table reduction of x, encoded the same way."""
    b = e32.b
    e = e32.retyped(F64)
    ax = b.and_(e32.bits(x), e32.ik(0x7FFFFFFF))
    row = b.sub(b.lshr(ax, e32.ik(23)), e32.ik(_HUGE_E))
    hi, lo = (_lookup(e, _table(e32.c, part), row, huge) for part in ("hi", "lo"))
    xd = b.fpext(x, e.ty)
    t = e.fma(xd, hi, e.k(_SHIFT64))  # 1.5*2^52 + n, n = round(x*hi)
    u = e.fma(xd, hi, b.fneg(e.sub(t, e.k(_SHIFT64))))  # x*hi - n: exact
    u = e.fma(xd, lo, u)  # in [-1/2 - 2^-5, 1/2 + 2^-5] (x*lo <= 2^24*2^-29): n corrected
    t2 = e.add(u, e.k(_SHIFT64))
    u = e.sub(u, e.sub(t2, e.k(_SHIFT64)))  # exact, in [-1/2, 1/2]
    res = _encode(e, e.mul(u, e.k(_PIO2)), b.add(e.bits(t), e.bits(t2)))
    return e.sel(huge, res, renc)


def _fixup_body(c: Ctx, f: ir.Function, lanes: int) -> None:
    """renc, x -> renc, or where |x| >= 2^28 (inf, NaN included) the table reduction of x
    encoded the same way (see _sincos_body). Branches around it when no lane needs it."""
    b = ir.IRBuilder(f.append_basic_block("entry"))
    slow, done = f.append_basic_block("huge"), f.append_basic_block("done")
    e32 = _E(c, b, F32, lanes)
    renc, x, scratch = f.args  # scratch: x again, so the test below has a free register
    ax = b.and_(e32.bits(scratch), e32.ik(0x7FFFFFFF))
    huge = b.icmp_signed(">=", ax, e32.ik(_HUGE_BITS))
    any_huge = b.icmp_unsigned("!=", b.bitcast(huge, ir.IntType(lanes)), ir.Constant(ir.IntType(lanes), 0)) \
        if lanes else huge
    br = b.cbranch(any_huge, slow, done)
    br.set_weights([1, 1000])  # huge arguments are rare: the return falls through
    b.position_at_end(done)
    b.ret(renc)
    b.position_at_end(slow)
    if not lanes:
        b.ret(_reduce_huge(e32, renc, x, huge))
        return
    # The reduction is a function of its own (same convention, preserving every register), so
    # this one saves only the few registers its test uses, not the reduction's.
    sfn = ir.Function(c.module, ir.FunctionType(f.function_type.return_type, f.function_type.args[:2]),
                      f"{f.name}.slow")
    sfn.linkage = "internal"
    sfn.calling_convention = f.calling_convention
    sfn.attributes = f.attributes
    se = _E(c, ir.IRBuilder(sfn.append_basic_block("entry")), F32, lanes)
    sx = sfn.args[1]
    shuge = se.b.icmp_signed(">=", se.b.and_(se.bits(sx), se.ik(0x7FFFFFFF)), se.ik(_HUGE_BITS))
    se.b.ret(_reduce_huge(se, sfn.args[0], sx, shuge))
    b.ret(b.call(sfn, [renc, x], cconv=f.calling_convention))


def _encode(e: _E, r: ir.Value, q: ir.Value) -> ir.Value:
    """r with its 2 lowest mantissa bits replaced by q's (the quadrant n mod 4)."""
    b = e.b
    return e.flt(b.or_(b.and_(e.bits(r), e.ik(~3)), b.and_(q, e.ik(3))))


def _huge_fixup(e32: _E, renc: ir.Value, x: ir.Value) -> ir.Value:
    """The call of the module's out-of-line huge-argument reduction `_FIXUP(renc, x, x)` (built
    once, with vector variants the loop vectoriser uses; a vector helper calls the variant of
    its width). The variants preserve every register but their arguments' (the call costs the
    loop no spills) and branch around the reduction when no lane is huge."""
    c = e32.c
    fn = c.helpers.get(_FIXUP)
    if fn is None:
        fn = ir.Function(c.module, ir.FunctionType(F64, [F64, F32, F32]), _FIXUP)
        fn.linkage = "internal"
        fn.attributes.add("nounwind")
        _fixup_body(c, fn, 0)
        outline.outline(c, fn, lambda vfn, n: _fixup_body(c, vfn, n), lanes=outline.LANES["float"],
                        preserve_all=True)
        c.helpers[_FIXUP] = fn
    if not e32.lanes:
        return e32.b.call(fn, [renc, x, x])
    vfn = c.module.globals[f"{_FIXUP}.v{e32.lanes}"]
    return e32.b.call(vfn, [renc, x, x], cconv="intel_ocl_bicc")


def _sincos_body(which: str) -> Body:
    def body(e32: _E, a: list[ir.Value]) -> ir.Value:
        b = e32.b
        e = e32.retyped(F64)
        x = a[0]
        xd = b.fpext(x, e.ty)
        t = e.fma(xd, e.k(6.36619772367581382433e-01), e.k(_SHIFT64))  # 1.5*2^52 + round(x*2/pi)
        fn = e.sub(t, e.k(_SHIFT64))  # +0 for small x: r below is then x itself, -0 included
        r = e.fma(fn, e.k(-_PIO2_1), xd)
        r = e.fma(fn, e.k(-_PIO2_1T), r)
        # n mod 4 (t's low bits; inf/NaN: garbage, but r is NaN then) rides in r's 2 lowest
        # bits (2^-51 of r: nothing for float32) through the huge-argument fixup.
        r = _huge_fixup(e32, _encode(e, r, e.bits(t)), x)
        q = e.bits(r)
        z = e.mul(r, r)
        sn = e.fma(e.mul(r, z), e.horner_fma(z, _SIN[::-1]), r)
        cs = e.fma(z, e.horner_fma(z, _COS[::-1]), e.k(1.0))
        odd = b.icmp_signed("!=", b.and_(q, e.ik(1)), e.ik(0))
        if which == "sin":  # quadrant n mod 4: sin, cos, -sin, -cos
            v = b.select(odd, cs, sn)
            neg = b.and_(q, e.ik(2))
        else:  # cos, -sin, -cos, sin
            v = b.select(odd, sn, cs)
            neg = b.and_(b.add(q, e.ik(1)), e.ik(2))
        v = e.flt(b.xor(e.bits(v), b.shl(neg, e.ik(62))))  # the sign bit flipped for quadrants 2, 3
        res = b.fptrunc(v, e32.ty)
        if which == "sin":  # sin(±0) = ±0 (r + r^3*S gives +0 for -0)
            res = e32.sel(e32.eq(x, e32.k(0.0)), x, res)
        return res

    return body


_SIN_BODY, _COS_BODY = _sincos_body("sin"), _sincos_body("cos")


def sin(c: Ctx, b: B, x: ir.Value) -> ir.Value:
    """sin (float32: reduction and polynomial in float64; float64: libm)."""
    return _call(c, b, "sin", _SIN_BODY, x) if x.type == F32 else _libm(c, b, "sin", x)


def cos(c: Ctx, b: B, x: ir.Value) -> ir.Value:
    """cos (float32: reduction and polynomial in float64; float64: libm)."""
    return _call(c, b, "cos", _COS_BODY, x) if x.type == F32 else _libm(c, b, "cos", x)


# -- tanh ---------------------------------------------------------------------------------------

# Cephes tanhf: tanh(a) = a + a*s*P(s), s = a^2, for a < 0.625.
_TANH_P = (-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1)
# expm1(r) = r + r^2*Q(r), |r| <= ln2/2 (fitted here; see the module docstring).
_EXPM1_Q = tuple(float.fromhex(h) for h in ("0x1.6bebc4p-10", "0x1.122752p-7", "0x1.555674p-5",
                                            "0x1.5554b0p-3", "0x1.fffffep-2"))
_LOG2E_32 = float(struct.unpack("<f", struct.pack("<f", 1.44269504088896341))[0])  # log2(e) in float32
_TANH_ONE = 18.5  # 2a beyond which tanh(a) rounds to 1 (from 2a = 18.04); keeps e^(2a) finite


def _tanh_body(e: _E, a: list[ir.Value]) -> ir.Value:
    x = a[0]
    b = e.b
    ax = e.intr("fabs", x)
    # a >= 0.625: 1 - 2/(e^y + 1), y = 2a. NaN lanes compute garbage here and take the other branch.
    # y = 2*min(a, 9.25) = min(2a, 18.5); t is formed from min(a, 9.25) times 2*log2(e) (both
    # doublings exact, so the same fma result), which keeps the add off t's dependency chain.
    ac = e.sel(e.gt(ax, e.k(_TANH_ONE / 2)), e.k(_TANH_ONE / 2), ax)
    y = e.add(ac, ac)
    t = e.fma(ac, e.k(2 * _LOG2E_32), e.k(_SHIFT32))  # 1.5*2^23 + n, n = round(y/ln2) <= 27
    fn = e.sub(t, e.k(_SHIFT32))
    r = e.fma(fn, e.k(-_LN2_HI), y)
    r = e.fma(fn, e.k(-_LN2_LO), r)
    p = e.fma(e.mul(r, r), e.horner_fma(r, _EXPM1_Q), r)  # e^r - 1
    # e^y = (1 + p) * 2^n: n added to the exponent field (1 + p in [0.7, 1.5], n in [1, 27]).
    ey = e.flt(b.add(e.bits(e.add(e.k(1.0), p)), b.shl(e.bits(t), e.ik(23))))  # t's bits << 23 = n << 23
    big = e.sub(e.k(1.0), e.div(e.k(2.0), e.add(ey, e.k(1.0))))
    # a < 0.625 (and NaN): Cephes' odd polynomial.
    s = e.mul(ax, ax)
    small = e.fma(e.mul(ax, s), e.horner_fma(s, _TANH_P), ax)
    res = e.sel(b.fcmp_ordered(">=", ax, e.k(0.625)), big, small)
    return e.intr("copysign", res, x)


def tanh(c: Ctx, b: B, x: ir.Value) -> ir.Value:
    """tanh (float32: Cephes' small-argument polynomial or 1 - 2/(e^2|x| + 1); float64: libm)."""
    return _call(c, b, "tanh", _tanh_body, x) if x.type == F32 else _libm(c, b, "tanh", x)
