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

import struct

from llvmlite import ir

from .common import F32, F64, Ctx
from .vecmath import _E, _LN2_HI, _LN2_LO, _SHIFT32, B, Body, _call, _libm

# -- sin, cos (float32 evaluated in float64) ----------------------------------------------------

# FreeBSD k_sinf.c / k_cosf.c: minimax on [-pi/4, pi/4], errors < 2^-37.5 / 2^-34.1.
_SIN = (-0.166666666416265235595, 0.0083333293858894631756, -0.000198393348360966317347,
        0.0000027183114939898219064)
_COS = (-0.499999997251031003120, 0.0416666233237390631894, -0.00138867637746099294692,
        0.0000243904487962774090654)
# pi/2 = _PIO2_1 (25 bits: n*_PIO2_1 exact for n < 2^28) + _PIO2_1T (FreeBSD e_rem_pio2f.c).
_PIO2_1, _PIO2_1T = 1.57079631090164184570e+00, 1.58932547735281966916e-08
_SHIFT64 = 1.5 * 2.0**52  # adding it rounds a double below 2^51 to an integer, kept in the low bits


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
        q = e.bits(t)  # n mod 2^51 in the low bits (inf/NaN: garbage, but r is NaN then)
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
