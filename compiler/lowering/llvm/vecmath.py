"""Vectorisable math functions: branch-free LLVM IR for exp, log, log1p, sin, cos, tanh, sigmoid,
pow and sqrt, so LLVM's loop vectoriser can widen loops that call them.

llvmlite's LLVM has no vector math library: a loop calling libm (or `llvm.exp.*`) is either not
vectorised or vectorised with one scalar libm call per lane. Each function here is emitted once
per module as an `internal alwaysinline` LLVM function of straight-line code (selects instead of
branches, bitcasts for exponent work, `llvm.rint`/`llvm.fabs`/`llvm.copysign`/`llvm.sqrt`
intrinsics), which the inliner dissolves into the caller's loop body.

Semantics are exact IEEE by default: plain `fadd`/`fmul`/`fdiv` without fast-math flags, so no
FMA contraction and a deterministic result on every machine. With `Ctx.fastmath` the helpers'
arithmetic carries the `contract` flag (FMA allowed: faster and, for these algorithms, no less
accurate); reassociation is never allowed inside the helpers, because it would undo the
Cody-Waite splits. Special values (NaN, ±inf, ±0, denormals, overflow, underflow) follow
NumPy/C99 exactly, whatever the flags.

Explicit fused multiply-adds: float32 exp, sin, cos and tanh (vecmath_trig.py) call `llvm.fma`
where the algorithm wants one rounding (reductions, Horner steps). That is not contraction: the
algorithm is written and measured with them, so results are the same with and without fastmath
and deterministic on the target (the JIT's host, AVX-512 with FMA: one instruction each; a target
without FMA would call libm's fmaf/fma, slower, same results). The accuracy table is measured so.

Algorithms (float32 is the priority: benchmarks are float32):

- exp: float32 Cephes expf's polynomial with FMAs: n from a 1.5*2^23 shifter (its bits give n,
  no float->int conversion, so NaN needs no special case), ln2 = hi + lo in float32 with x - n*hi
  exact and kept apart, 1 + (x - n*hi) kept exact as a Fast2Sum pair so e^r rounds once (0.96 ->
  0.75 ulp), 2^n applied in two halves so denormal results round once; float64 FreeBSD e_exp.c,
  same scaling.
- log: FreeBSD e_logf.c / e_log.c (exponent and mantissa by bitcasts, s = f/(2+f) polynomial;
  denormals pre-scaled by 2^25 / 2^54).
- log1p: float32 as log on u = 1+x, with the rounding error of 1+x added back as c/u
  (FreeBSD s_log1pf.c's correction); float64 libm.
- sin, cos (vecmath_trig.py): float32 evaluated in float64 with FMAs: n from a 1.5*2^52 shifter
  (quadrant bits by bitcast), 2-part Cody-Waite pi/2 (FreeBSD e_rem_pio2f.c, medium case),
  for abs(x) >= 2^28 an out-of-line reduction by a per-exponent table of 2/pi mod 4,
  FreeBSD k_sinf.c/k_cosf.c polynomials, both computed (a loop needing sin and cos of one x
  shares everything once inlined); float64 libm.
- tanh (vecmath_trig.py): float32 on |x|, sign by copysign: Cephes tanhf's odd polynomial for
  |x| < 0.625, else 1 - 2/(e^2|x| + 1) with a tanh-specific e^y (y clamped to 18.5, so no
  overflow/underflow cases; expm1 polynomial fitted here); float64 libm.
- sigmoid: e = exp(-abs(x)); (x >= 0 ? 1 : e) / (1 + e), the denominator's rounding error
  removed to first order; right down to the denormal tail. float32 and float64 (vector exp).
- pow: float32 evaluated in float64 as exp(y*log(abs(x))) with the float64 exp/log above, then
  C99's special cases (NumPy calls C's powf); float64 libm (a < 1 ulp float64 pow needs a
  double-double log, not written yet).
- sqrt: `llvm.sqrt`, IEEE's correctly rounded square root (one vector instruction).

Accuracy, float32, max error in ulp against float64 NumPy (glibc) rounded nowhere, measured on
every 2^8-th float32 bit pattern (2^24 values, both signs, denormals to inf) plus special values
(see tests/test_vecmath.py; `python tests/test_vecmath.py` re-measures). Default / fastmath:

| function | max ulp (default / fastmath) | worst input | gradc ns/elem | fastmath | NumPy |
|---|---|---|---|---|---|
| exp | 0.754 / 0.754 | -87.664536 | 0.31 | 0.31 | 0.44 |
| log | 0.767 / 0.767 | 1.4106981 | 0.56 | 0.50 | 0.37 |
| log1p | 0.786 / 0.805 | 0.4113215 | 0.61 | 0.54 | 0.41 |
| sin | 0.501 / 0.501 | -165792.39 | 0.60 | 0.60 | 0.51 |
| cos | 0.501 / 0.501 | -0.2164417 | 0.58 | 0.58 | 0.52 |
| tanh | 1.309 / 1.309 | -0.6267735 | 0.37 | 0.37 | 0.35 |
| sigmoid | 1.799 / 1.799 | -2.7528405 | 0.53 | 0.52 | 0.67 (3 ufuncs) |
| sqrt | 0.500 / 0.500 | (correctly rounded) | 0.18 | 0.18 | 0.34 |
| pow | 0.500 / 0.500 | 2^24 random pairs | 3.43 | 3.04 | 0.66 |

Timings: float32, 1e6 elements, one core, best of 15, NumPy 2 with its SIMD loops; log/log1p/
sqrt/pow on positive inputs, the rest on uniform(-10, 10). float64 exp and log measure <= 1 ulp
against glibc on 1.5M values (test_float64_vector_versions asserts <= 2). The bounds the tests
assert are 1.0 (exp, log, sin, cos, pow), 1.5 (log1p), 2.0 (tanh, sigmoid), 0.5 (sqrt).
pow is slower than NumPy: it runs in float64, and at the loop's 16-lane width the
double-precision code spills registers and rematerialises constants (~400 instructions per 16
elements). sin/cos also run in float64 (two zmm registers per 16 lanes), ~15% behind NumPy alone
but sharing their work when both are needed (W2's gradient). Before the FMA/shifter rewrite
(same machine): exp 0.41, sin 1.02, cos 1.03, tanh 0.72, sigmoid 0.65 ns/elem.

sin/cos hold their bound for every float32: from abs(x) >= 2^28 on, a per-exponent table of
2/pi (Payne-Hanek's idea, in float64 pieces) replaces the 2-part reduction, out of line and
branched around when no lane needs it (vecmath_trig.py); the whole range was swept once
(max 0.5009 ulp), tests/test_vecmath.py checks a dense sample of it. The call costs W2 (which
never has such arguments) ~7% over the previous code with no reduction for them.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable

from llvmlite import ir

from . import vecmath_outline as outline
from .common import F32, F64, I32, I64, Ctx

B = ir.IRBuilder
Body = Callable[["_E", list[ir.Value]], ir.Value]

# Functions with a vector float64 implementation; the others call libm for float64.
F64_VECTOR = frozenset({"exp", "log", "sigmoid", "sqrt"})
# Call sites per module after which a helper goes out of line (see _helper).
OUTLINE_AFTER = int(os.environ.get("GRADC_VECMATH_OUTLINE", "9"))
# ln2 = _LN2_HI + _LN2_LO (float32 parts) and the float32 shifter: adding 1.5*2^23 rounds a
# float below 2^22 to an integer, which then sits in the low bits of the sum.
_LN2_HI, _LN2_LO = float.fromhex("0x1.62e430p-1"), float.fromhex("-0x1.05c610p-29")
_SHIFT32 = 1.5 * 2.0**23
# Call-site counts of the helpers of the modules being built (dropped with the module).
_CALLS: weakref.WeakKeyDictionary[ir.Function, int] = weakref.WeakKeyDictionary()


class _E:
    """Emission helper: typed constants and arithmetic with the helper's fixed flags."""

    def __init__(self, c: Ctx, b: B, sty: ir.Type, lanes: int = 0) -> None:
        # lanes > 0: the same code on <lanes x sty> vectors (the out-of-line vector variants).
        self.c, self.b, self.sty, self.lanes = c, b, sty, lanes
        self.fl: tuple[str, ...] = ("contract",) if c.fastmath else ()
        isty = I32 if sty == F32 else I64
        self.ty: ir.Type = ir.VectorType(sty, lanes) if lanes else sty
        self.ity: ir.Type = ir.VectorType(isty, lanes) if lanes else isty

    def retyped(self, sty: ir.Type) -> _E:
        """The same builder and lane count on another element type (float32 code in float64)."""
        return _E(self.c, self.b, sty, self.lanes)

    @property
    def f32(self) -> bool:
        return self.sty == F32

    def k(self, v: float) -> ir.Constant:
        return ir.Constant(self.ty, v)

    def ik(self, v: int) -> ir.Constant:
        return ir.Constant(self.ity, v)

    def add(self, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.fadd(x, y, flags=self.fl)

    def sub(self, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.fsub(x, y, flags=self.fl)

    def mul(self, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.fmul(x, y, flags=self.fl)

    def div(self, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.fdiv(x, y, flags=self.fl)

    def horner(self, x: ir.Value, coeffs: tuple[float, ...]) -> ir.Value:
        """coeffs[0]*x^(n-1) + ... + coeffs[-1], by Horner's rule."""
        acc: ir.Value = self.k(coeffs[0])
        for cf in coeffs[1:]:
            acc = self.add(self.mul(acc, x), self.k(cf))
        return acc

    def fma(self, x: ir.Value, y: ir.Value, z: ir.Value) -> ir.Value:
        """x*y + z rounded once (`llvm.fma`): the algorithm's own choice, so the result is the
        same with and without fastmath (one instruction on FMA targets, libm's fma elsewhere)."""
        return self.intr("fma", x, y, z)

    def horner_fma(self, x: ir.Value, coeffs: tuple[float, ...]) -> ir.Value:
        """Horner's rule with one fused multiply-add per coefficient."""
        acc: ir.Value = self.k(coeffs[0])
        for cf in coeffs[1:]:
            acc = self.fma(acc, x, self.k(cf))
        return acc

    def intr(self, name: str, *args: ir.Value) -> ir.Value:
        return self.b.call(outline.intrinsic(self.c, f"llvm.{name}", self.ty, len(args)), list(args))

    def sel(self, cond: ir.Value, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.select(cond, x, y)

    def lt(self, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.fcmp_ordered("<", x, y)

    def gt(self, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.fcmp_ordered(">", x, y)

    def eq(self, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.fcmp_ordered("==", x, y)

    def isnan(self, x: ir.Value) -> ir.Value:
        return self.b.fcmp_unordered("uno", x, x)

    def bits(self, x: ir.Value) -> ir.Value:
        return self.b.bitcast(x, self.ity)

    def flt(self, i: ir.Value) -> ir.Value:
        return self.b.bitcast(i, self.ty)

    def pow2(self, n: ir.Value) -> ir.Value:
        """2^n for an integer n in the normal exponent range, built from its bits."""
        mant, bias = (23, 127) if self.f32 else (52, 1023)
        return self.flt(self.b.shl(self.b.add(n, self.ik(bias)), self.ik(mant)))

    def scale(self, y: ir.Value, n: ir.Value) -> ir.Value:
        """y * 2^n with one rounding, for n up to a little past the exponent range either way.

        2^n is applied as 2^(n>>1) * 2^(n-(n>>1)): both halves are normal numbers; y*2^(n>>1)
        is exact for y near 1, so only the second product rounds (right for denormal results).
        """
        n1 = self.b.ashr(n, self.ik(1))
        n2 = self.b.sub(n, n1)
        return self.mul(self.mul(y, self.pow2(n1)), self.pow2(n2))


def _helper(c: Ctx, name: str, ty: ir.Type, nargs: int, body: Body) -> ir.Function:
    """The module's `internal` function `gradc.vm.<name>.<type>[.fast]`, built once.

    It starts `alwaysinline` (a few call sites: inlined code is the fastest and the smallest
    module). Its OUTLINE_AFTER-th call site makes it out of line with vector variants
    (vecmath_outline.py), so large modules grow by a call, not a polynomial, per op.
    """
    full = f"gradc.vm.{name}.{'f32' if ty == F32 else 'f64'}{'.fast' if c.fastmath else ''}"
    fn = c.helpers.get(full)
    if fn is None:
        fn = ir.Function(c.module, ir.FunctionType(ty, [ty] * nargs), full)
        fn.linkage = "internal"
        fn.attributes.add("alwaysinline")
        fn.attributes.add("nounwind")
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        b.ret(body(_E(c, b, ty), list(fn.args)))
        c.helpers[full] = fn
    _CALLS[fn] = n = _CALLS.get(fn, 0) + 1
    if n == OUTLINE_AFTER:

        def emit(vfn: ir.Function, lanes: int) -> None:
            vb = ir.IRBuilder(vfn.append_basic_block("entry"))
            vb.ret(body(_E(c, vb, ty, lanes), list(vfn.args)))

        outline.outline(c, fn, emit)
    return fn


def _call(c: Ctx, b: B, name: str, body: Body, *args: ir.Value) -> ir.Value:
    return b.call(_helper(c, name, args[0].type, len(args), body), list(args))


def _libm(c: Ctx, b: B, name: str, *args: ir.Value) -> ir.Value:
    return b.call(c.libm(name, args[0].type, len(args)), list(args))


# -- exp --------------------------------------------------------------------------------------


def _exp_f32(e: _E, a: list[ir.Value]) -> ir.Value:
    x = a[0]
    b = e.b
    # Clamp so n stays a small integer: exp(89) overflows and exp(-104) underflows to 0 after
    # rounding anyway. NaN passes both selects and stays NaN through the arithmetic (the
    # shifter's bits below are garbage then, but a bitcast is never poison).
    xc = e.sel(e.gt(x, e.k(89.0)), e.k(89.0), x)
    xc = e.sel(e.lt(xc, e.k(-104.0)), e.k(-104.0), xc)
    t = e.fma(xc, e.k(1.44269504088896341), e.k(_SHIFT32))  # 1.5*2^23 + n, n = round(x/ln2)
    fn = e.sub(t, e.k(_SHIFT32))
    # ln2 = _LN2_HI + _LN2_LO; x - n*_LN2_HI is exact (a multiple of 2^-25 below 1/2), so it is
    # kept apart: r (rounded) feeds the polynomial, the exact parts go into the final sum.
    r1 = e.fma(fn, e.k(-_LN2_HI), xc)
    r = e.fma(fn, e.k(-_LN2_LO), r1)
    p = e.horner_fma(r, (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
                         1.6666665459e-1, 5.0000001201e-1))  # Cephes expf minimax, |r| <= ln2/2
    # e^r = 1 + r + r^2*p: hi + lo = 1 + r1 exactly (Fast2Sum, 1 >= |r1|), then one rounding.
    hi = e.add(e.k(1.0), r1)
    lo = e.fma(fn, e.k(-_LN2_LO), e.add(e.sub(e.k(1.0), hi), r1))
    y = e.add(hi, e.fma(e.mul(r, r), p, lo))
    return e.scale(y, b.sub(e.bits(t), e.ik(0x4B400000)))  # t's bits - the shifter's = n


def _exp_f64(e: _E, a: list[ir.Value]) -> ir.Value:
    x = a[0]
    b = e.b
    # exp(709.79) overflows, exp(-745.14) rounds to 0; the clamp keeps k in int range.
    xc = e.sel(e.gt(x, e.k(710.0)), e.k(710.0), x)
    xc = e.sel(e.lt(xc, e.k(-746.0)), e.k(-746.0), xc)
    xc = e.sel(e.isnan(x), e.k(0.0), xc)
    fn = e.intr("rint", e.mul(xc, e.k(1.44269504088896338700e+00)))
    # FreeBSD e_exp.c: ln2HI has 32 significant bits (k*ln2HI exact), ln2LO the rest.
    hi = e.sub(xc, e.mul(fn, e.k(6.93147180369123816490e-01)))
    lo = e.mul(fn, e.k(1.90821492927058770002e-10))
    r = e.sub(hi, lo)
    t = e.mul(r, r)
    p = e.horner(t, (4.13813679705723846039e-08, -1.65339022054652515390e-06, 6.61375632143793436117e-05,
                     -2.77777777770155933842e-03, 1.66666666666666019037e-01))
    cc = e.sub(r, e.mul(t, p))
    # exp(r) = 1 + r + r*c/(2-c) (FreeBSD's rational form), arranged to keep lo's bits.
    y = e.sub(e.k(1.0), e.sub(e.sub(lo, e.div(e.mul(r, cc), e.sub(e.k(2.0), cc))), hi))
    res = e.scale(y, b.fptosi(fn, e.ity))
    return e.sel(e.isnan(x), x, res)


def _exp_body(e: _E, a: list[ir.Value]) -> ir.Value:
    return _exp_f32(e, a) if e.f32 else _exp_f64(e, a)


def exp(c: Ctx, b: B, x: ir.Value) -> ir.Value:
    """e^x (float32: Cephes expf; float64: FreeBSD exp)."""
    return _call(c, b, "exp", _exp_body, x)


# -- log, log1p -------------------------------------------------------------------------------

# FreeBSD e_logf.c / e_log.c: log(1+f) = f - hfsq + s*(hfsq+R(z)), s = f/(2+f), z = s^2.
_LG_F32 = (float.fromhex("0xaaaaaa.0p-24"), float.fromhex("0xccce13.0p-25"),
           float.fromhex("0x91e9ee.0p-25"), float.fromhex("0xf89e26.0p-26"))
_LG_F64 = (6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
           2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01,
           1.479819860511658591e-01)
# ln2 split: hi has few enough bits that k*hi is exact for every exponent k.
_LN2_F32 = (6.9313812256e-01, 9.0580006145e-06)
_LN2_F64 = (6.93147180369123816490e-01, 1.90821492927058770002e-10)


def _normalise(e: _E, ix: ir.Value, k: ir.Value) -> tuple[ir.Value, ir.Value]:
    """From the bits of a positive normal number: (m, k) with m in [sqrt(2)/2, sqrt(2)) and
    the number = m * 2^k. FreeBSD's trick: adding 0x95f64 to the high mantissa bits carries
    into the exponent exactly when the mantissa is >= sqrt(2), and then m gets exponent -1."""
    b = e.b
    mant, bias = (23, 127) if e.f32 else (52, 1023)
    k = b.add(k, b.sub(b.ashr(ix, e.ik(mant)), e.ik(bias)))
    m = b.and_(ix, e.ik((1 << mant) - 1))
    i = b.and_(b.add(m, e.ik(0x95F64 << (mant - 20))), e.ik(1 << mant))
    one = e.ik(0x3F800000 if e.f32 else 0x3FF0000000000000)  # the bits of 1.0
    xm = e.flt(b.or_(m, b.xor(i, one)))
    return xm, b.add(k, b.ashr(i, e.ik(mant)))


def _log_core(e: _E, f: ir.Value, k: ir.Value, c: ir.Value | None) -> ir.Value:
    """k*ln2 + log(1+f) (+ c, a small correction), f in [sqrt(2)/2-1, sqrt(2)-1)."""
    s = e.div(f, e.add(e.k(2.0), f))
    z = e.mul(s, s)
    w = e.mul(z, z)
    lg = _LG_F32 if e.f32 else _LG_F64
    t1 = e.mul(w, e.horner(w, lg[1::2][::-1]))  # Lg2 + w*Lg4 (+ w^2*Lg6)
    t2 = e.mul(z, e.horner(w, lg[0::2][::-1]))  # Lg1 + w*Lg3 (+ ...)
    rr = e.add(t2, t1)
    hfsq = e.mul(e.mul(e.k(0.5), f), f)
    dk = e.b.sitofp(k, e.ty)
    hi, lo = _LN2_F32 if e.f32 else _LN2_F64
    klo = e.mul(dk, e.k(lo))
    if c is not None:
        klo = e.add(klo, c)
    inner = e.sub(e.sub(hfsq, e.add(e.mul(s, e.add(hfsq, rr)), klo)), f)
    return e.sub(e.mul(dk, e.k(hi)), inner)


def _log_specials(e: _E, x: ir.Value, res: ir.Value, zero_at: float) -> ir.Value:
    """NaN for x < zero_at, -inf at zero_at, +inf at +inf, NaN passes through."""
    res = e.sel(e.eq(x, e.k(zero_at)), e.k(float("-inf")), res)
    res = e.sel(e.lt(x, e.k(zero_at)), e.k(float("nan")), res)
    res = e.sel(e.eq(x, e.k(float("inf"))), x, res)
    return e.sel(e.isnan(x), x, res)


def _log_body(e: _E, a: list[ir.Value]) -> ir.Value:
    x = a[0]
    b = e.b
    # Denormals (and 0, negatives: fixed at the end) are pre-scaled into the normal range.
    sh = 25 if e.f32 else 54
    tiny = e.lt(x, e.k(2.0 ** (-126 if e.f32 else -1022)))
    xs = e.sel(tiny, e.mul(x, e.k(2.0**sh)), x)
    k0 = b.select(tiny, e.ik(-sh), e.ik(0))
    xm, k = _normalise(e, e.bits(xs), k0)
    return _log_specials(e, x, _log_core(e, e.sub(xm, e.k(1.0)), k, None), 0.0)


def log(c: Ctx, b: B, x: ir.Value) -> ir.Value:
    """Natural log (FreeBSD logf/log)."""
    return _call(c, b, "log", _log_body, x)


def _log1p_body(e: _E, a: list[ir.Value]) -> ir.Value:
    x = a[0]
    b = e.b
    u = e.add(e.k(1.0), x)
    iu = e.bits(u)
    ku = b.sub(b.ashr(iu, e.ik(23)), e.ik(127))
    # The rounding error of u = 1+x, exact in float32, passed to the core as c/u.
    corr = e.sel(b.icmp_signed(">", ku, e.ik(0)), e.sub(e.k(1.0), e.sub(u, x)), e.sub(x, e.sub(u, e.k(1.0))))
    corr = e.div(corr, u)
    xm, k = _normalise(e, iu, e.ik(0))
    res = _log_core(e, e.sub(xm, e.k(1.0)), k, corr)
    # |x| < 2^-24: log1p(x) rounds to x (also keeps -0 and denormals exact).
    res = e.sel(e.lt(e.intr("fabs", x), e.k(2.0**-24)), x, res)
    return _log_specials(e, x, res, -1.0)


def log1p(c: Ctx, b: B, x: ir.Value) -> ir.Value:
    """log(1+x) (float32: FreeBSD log1pf's correction on the log kernel; float64: libm)."""
    if x.type != F32:
        return _libm(c, b, "log1p", x)
    return _call(c, b, "log1p", _log1p_body, x)


# -- sigmoid ------------------------------------------------------------------------------------


def _sigmoid_body(e: _E, a: list[ir.Value]) -> ir.Value:
    x = a[0]
    ex = _exp_body(e, [e.b.fneg(e.intr("fabs", x))])  # in (0, 1]: never overflows
    pos = e.b.fcmp_ordered(">=", x, e.k(0.0))
    d = e.add(e.k(1.0), ex)
    q = e.div(e.sel(pos, e.k(1.0), ex), d)  # 1/(1+e^-x) or e^x/(1+e^x)
    # d's rounding error, exact (Fast2Sum: 1 >= ex), removed to first order: num/(d+err) =
    # q - q*err/d, with 1/d = q (x >= 0) or 1 - q (x < 0). Saves ~0.7 ulp in the worst case.
    err = e.add(e.sub(e.k(1.0), d), ex)
    inv_d = e.sel(pos, q, e.sub(e.k(1.0), q))
    res = e.sub(q, e.mul(e.mul(q, err), inv_d))
    return e.sel(e.isnan(x), x, res)


def sigmoid(c: Ctx, b: B, x: ir.Value) -> ir.Value:
    """1/(1+exp(-x)), evaluated as e/(1+e) for x < 0 so tiny results keep their value."""
    return _call(c, b, "sigmoid", _sigmoid_body, x)


# -- pow ----------------------------------------------------------------------------------------


def _pow_body(e32: _E, a: list[ir.Value]) -> ir.Value:
    b = e32.b
    e = e32.retyped(F64)
    x, y = (b.fpext(v, e.ty) for v in a)
    ax = e.intr("fabs", x)
    # |x|^y = exp(y*log|x|) in float64: log and exp are < 1 ulp of float64 and |y*log|x|| < 2^8
    # wherever the float32 result is finite and nonzero, so float32 rounding dominates.
    r = _exp_f64(e, [e.mul(y, _log_body(e, [ax]))])
    yint = e.eq(e.intr("rint", y), y)  # true for ±inf too
    hy = e.mul(y, e.k(0.5))
    yodd = b.and_(yint, b.fcmp_ordered("!=", e.intr("rint", hy), hy))  # false for ±inf
    xneg = b.icmp_signed("<", e.bits(x), e.ik(0))  # sign bit: -0 counts
    r = b.select(b.and_(xneg, yodd), b.fneg(r), r)
    finite_y = e.lt(e.intr("fabs", y), e.k(float("inf")))
    finite_x = e.lt(ax, e.k(float("inf")))
    # Negative finite x to a finite non-integer power: NaN (C99).
    r = e.sel(b.and_(b.and_(e.lt(x, e.k(0.0)), finite_x), b.and_(finite_y, b.not_(yint))), e.k(float("nan")), r)
    # (-1)^±inf = 1; 1^y = 1 even for NaN y; x^0 = 1 even for NaN x.
    r = e.sel(b.and_(e.eq(ax, e.k(1.0)), e.eq(e.intr("fabs", y), e.k(float("inf")))), e.k(1.0), r)
    r = e.sel(b.or_(e.eq(x, e.k(1.0)), e.eq(y, e.k(0.0))), e.k(1.0), r)
    return b.fptrunc(r, e32.ty)


def pow(c: Ctx, b: B, x: ir.Value, y: ir.Value) -> ir.Value:  # noqa: A001
    """x**y with C99's special cases (float32: in float64; float64: libm)."""
    return _call(c, b, "pow", _pow_body, x, y) if x.type == F32 else _libm(c, b, "pow", x, y)


def sqrt(c: Ctx, b: B, x: ir.Value) -> ir.Value:
    """llvm.sqrt: IEEE's correctly rounded square root, a single (vector) instruction."""
    return b.call(c.intrinsic("llvm.sqrt", x.type), [x])


from .vecmath_trig import cos, sin, tanh  # noqa: E402,F401  (after _E/_call: they import them)
