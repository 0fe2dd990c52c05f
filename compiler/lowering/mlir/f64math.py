"""float64 sin, cos and tanh written as arith ops, because IREE has no f64 libm for them.

IREE 3.13's llvm-cpu backend links a generic body's `math.*` op either to its own polynomial
or to a libm symbol it bundles; for f64 `sin`, `cos` and `tanh` it has neither, so
iree-compile (with `--iree-input-demote-f64-to-f32=false`, the only way an f64 ABI survives)
fails at link time: `iree-lld: error: undefined symbol: sin`. The scalar emitters therefore
write these three functions for f64 as plain arith (plus `math.absf`, `math.copysign` and
`math.exp`, which IREE does handle in f64). One text serves mlir-opt 19, mlir-opt 22 and IREE;
f32 keeps the `math.*` ops.

Probe (IREE 3.13.0, f64 op inside a linalg.generic, demotion off, llvm-cpu, host CPU), for every
`math.*` op the emitter writes:
  compile, link and give results within 1 ulp of NumPy on normal inputs: sqrt, exp, log, absf
  undefined symbol at link time: sin, cos, tanh (→ expanded here)
  link, but inexact (not fixed here, within the conformance tolerances): log1p and expm1 are
  computed like log(1+x) / exp(x)-1 (log1p(1e-16) = 0), powf is off by up to ~450 ulp for
  results near 1e195, and IREE flushes subnormal inputs to zero (sqrt(5e-324) = 0).
  (Also probed, not emitted: exp2, copysign, floor, rsqrt, fma work; atan2 does not link; erf does
  not legalize.)

Accuracy (bound; measured on ~52k points against mpmath, in llvm-19, llvm-22 and IREE alike;
tests/test_mlir_f64math.py checks the bound against NumPy):
  sin, cos: ≤ 1 ulp for |x| ≤ 2**26 (≈ 6.7e7), including the doubles closest to multiples of π/2
    (measured 0.78 ulp). Beyond 2**26 the reduction is no longer exact: the result is finite and
    in [-1, 1], with an absolute error up to about |x|·2**-53 (as if x were off by an ulp;
    meaningless past ~2**50). ±inf and NaN give NaN; sin(±0) = ±0, sin of a subnormal is itself.
  tanh: ≤ 1.5 ulp everywhere (measured 0.89; NumPy's own: 1.17); ±0, ±inf (→ ±1) and NaN exact;
    ±1 from |x| ≥ 19.1 on.
IREE flushes subnormals, so there tanh of a subnormal is ±0 (sin passes x through unchanged).
"""

from __future__ import annotations

from collections.abc import Callable

from gradc.compiler.ir.types import DType

from .emitter import Body

F64 = DType.float64
_T = F64.short

# Round-to-integer without a math op: adding 1.5·2**52 pushes the fraction out of a double
# (valid for |v| < 2**51; larger values are already integers, which it leaves integral).
_SHIFT = float.fromhex("0x1.8p52")
_INV_PIO2 = float.fromhex("0x1.45f306dc9c883p-1")  # 2/π rounded
# π/2 as four 27-bit pieces and a 53-bit tail (sum off by 2**-168): n·P1..n·P4 are exact for
# |n| < 2**26, so x - n·π/2 is formed without rounding except in the last, tiny term.
_PIO2 = [float.fromhex(h) for h in ("0x1.921fb54p+0", "0x1.10b461p-30", "0x1.a62633p-58",
                                   "0x1.45c06ep-86", "0x1.cd129024e088ap-115")]
_EXACT_REDUCTION = 2.0 ** 26  # |x| up to here: n < 2**26, the reduction is exact (see above)
_Y_CLAMP = 0.8  # keeps the kernels in range when a huge |x| made the reduction inexact
_TINY = 2.0 ** -27  # below this sin(x) rounds to x and cos(x) to 1
# fdlibm's __kernel_sin / __kernel_cos minimax coefficients on [-π/4, π/4]
# (|sin - poly| < 2**-57.8 and |cos - poly| < 2**-59.3 relative, checked with mpmath).
_S = [float.fromhex(h) for h in ("-0x1.5555555555549p-3", "0x1.111111110f8a6p-7", "-0x1.a01a019c161d5p-13",
                                 "0x1.71de357b1fe7dp-19", "-0x1.ae5e68a2b9cebp-26", "0x1.5d93a5acfd57cp-33")]
_C = [float.fromhex(h) for h in ("0x1.555555555554cp-5", "-0x1.6c16c16c15177p-10", "0x1.a01a019cb159p-16",
                                 "-0x1.27e4f809c52adp-22", "0x1.1ee9ebdb4b1c4p-29", "-0x1.8fae9be8838d4p-37")]
# tanh(x) = x + x**3·P(x**2) on |x| < 0.9: our own Remez fit (mpmath, 200 bits) minimising the
# relative error of the whole tanh, 2**-56.5 before rounding the coefficients to double.
_TANH_SPLIT = 0.9
_TANH_P = [float.fromhex(h) for h in (
    "-0x1.5555555555519p-2", "0x1.111111110dbfap-3", "-0x1.ba1ba1b80d937p-5", "0x1.664f48302a535p-6",
    "-0x1.226e2da6faa5bp-7", "0x1.d6d2e0d4a4c33p-9", "-0x1.7d996192a67a9p-10", "0x1.350c41fd988f8p-11",
    "-0x1.f23b9a56b5dc8p-13", "0x1.896174364116bp-14", "-0x1.22b34d3fe57d3p-15", "0x1.6de23cc175696p-17",
    "-0x1.4c83b65b79ce9p-19", "0x1.38373d52358d3p-22")]
_TANH_EXP_CAP = 40.0  # exp(80) is finite and 1 - 2/(exp(80)+1) rounds to 1: no inf/inf


class _F:
    """f64 arith on SSA names inside one body (operands are SSA names or Python floats)."""

    def __init__(self, b: Body) -> None:
        self.b = b
        self.consts: dict[str, str] = {}  # float.hex → SSA name: each constant written once

    def v(self, x: str | float) -> str:
        if isinstance(x, str):
            return x
        key = x.hex()  # unlike the float, tells 0.0 from -0.0
        if key not in self.consts:
            self.consts[key] = self.b.const(x, F64)
        return self.consts[key]

    def bin(self, op: str, x: str | float, y: str | float) -> str:
        return self.b.op(f"arith.{op} {self.v(x)}, {self.v(y)} : {_T}")

    def add(self, x: str | float, y: str | float) -> str:
        return self.bin("addf", x, y)

    def sub(self, x: str | float, y: str | float) -> str:
        return self.bin("subf", x, y)

    def mul(self, x: str | float, y: str | float) -> str:
        return self.bin("mulf", x, y)

    def unary(self, op: str, x: str) -> str:
        return self.b.op(f"{op} {x} : {_T}")

    def cmp(self, pred: str, x: str | float, y: str | float) -> str:
        return self.b.op(f"arith.cmpf {pred}, {self.v(x)}, {self.v(y)} : {_T}")

    def select(self, c: str, x: str | float, y: str | float) -> str:
        return self.b.op(f"arith.select {c}, {self.v(x)}, {self.v(y)} : {_T}")

    def horner(self, u: str, coeffs: list[float]) -> str:
        acc: str | float = coeffs[-1]
        for c in reversed(coeffs[:-1]):
            acc = self.add(self.mul(acc, u), c)
        return self.v(acc)

    def two_sum(self, x: str, y: str) -> tuple[str, str]:
        """s + e == x + y exactly (Knuth's TwoSum: no condition on the magnitudes)."""
        s = self.add(x, y)
        yy = self.sub(s, x)
        xx = self.sub(s, yy)
        return s, self.add(self.sub(x, xx), self.sub(y, yy))


def _reduce(f: _F, x: str) -> tuple[str, str, str]:
    """(q, yh, yl): x = n·π/2 + yh + yl with |yh| ≲ π/4, q = n mod 4 as -2..2 (Cody-Waite)."""
    n = f.sub(f.add(f.mul(x, _INV_PIO2), _SHIFT), _SHIFT)
    r = f.sub(x, f.mul(n, _PIO2[0]))  # exact: both terms agree to within a factor of 2
    # Each n·Pk is exact; TwoSum keeps every rounding error, collected in the tail.
    errs = []
    for p in _PIO2[1:4]:
        r, e = f.two_sum(r, f.unary("arith.negf", f.mul(n, p)))
        errs.append(e)
    tail = f.add(f.add(errs[0], errs[1]), f.sub(errs[2], f.mul(n, _PIO2[4])))
    yh, yl = f.two_sum(r, tail)
    # Past the exact range, clamp to where the kernels stay within [-1, 1] (no-op below it).
    yh = f.bin("minimumf", f.bin("maximumf", yh, -_Y_CLAMP), _Y_CLAMP)
    yl = f.select(f.cmp("ogt", f.unary("math.absf", x), _EXACT_REDUCTION), 0.0, yl)
    m = f.sub(f.add(f.mul(n, 0.25), _SHIFT), _SHIFT)  # n/4 rounded: q = n - 4m is in -2..2
    return f.sub(n, f.mul(m, 4.0)), yh, yl


def _kernel_sin(f: _F, y: str, yy: str) -> str:
    """sin(y + yy), |y| ≤ π/4: y - ((z·(yy/2 - v·r) - yy) - v·S1) (fdlibm's tail-aware form)."""
    z = f.mul(y, y)
    v = f.mul(z, y)
    r = f.horner(z, _S[1:])
    inner = f.sub(f.mul(z, f.sub(f.mul(yy, 0.5), f.mul(v, r))), yy)
    return f.sub(y, f.sub(inner, f.mul(v, _S[0])))


def _kernel_cos(f: _F, y: str, yy: str) -> str:
    """cos(y + yy), |y| ≤ π/4: 1 - z/2 + z·r - y·yy, with 1 - z/2 split so its error is kept."""
    z = f.mul(y, y)
    r = f.mul(z, f.horner(z, _C))
    hz = f.mul(z, 0.5)
    w = f.sub(1.0, hz)
    lo = f.add(f.sub(f.sub(1.0, w), hz), f.sub(f.mul(z, r), f.mul(y, yy)))
    return f.add(w, lo)


def _sincos(b: Body, x: str, is_cos: bool) -> str:
    f = _F(b)
    q, yh, yl = _reduce(f, x)
    s, c = _kernel_sin(f, yh, yl), _kernel_cos(f, yh, yl)
    qabs = f.unary("math.absf", q)
    odd = f.cmp("oeq", qabs, 1.0)  # quadrants 1 and 3 swap sin and cos
    if is_cos:  # cos: C, -S, -C, S for q = 0, 1, ±2, -1
        neg = b.op(f"arith.ori {f.cmp('oge', q, 1.0)}, {f.cmp('oeq', qabs, 2.0)} : i1")
        r = f.select(odd, s, c)
        small: str | float = 1.0
    else:  # sin: S, C, -S, -C for q = 0, 1, ±2, -1
        neg = b.op(f"arith.ori {f.cmp('olt', q, 0.0)}, {f.cmp('oeq', q, 2.0)} : i1")
        r = f.select(odd, c, s)
        small = x  # keeps ±0 and subnormals exact
    r = f.select(neg, f.unary("arith.negf", r), r)
    return f.select(f.cmp("olt", f.unary("math.absf", x), _TINY), small, r)


def sin(b: Body, x: str) -> str:
    """sin(x) for f64 x (≤ 1 ulp for |x| ≤ 2**26, in [-1, 1] beyond; module docstring)."""
    return _sincos(b, x, is_cos=False)


def cos(b: Body, x: str) -> str:
    """cos(x) for f64 x (≤ 1 ulp for |x| ≤ 2**26, in [-1, 1] beyond; module docstring)."""
    return _sincos(b, x, is_cos=True)


def tanh(b: Body, x: str) -> str:
    """tanh(x) for f64 x, ≤ 1.5 ulp: odd polynomial below 0.9, 1 - 2/(exp(2|x|)+1) above."""
    f = _F(b)
    a = f.unary("math.absf", x)
    u = f.mul(a, a)
    near0 = f.add(a, f.mul(a, f.mul(u, f.horner(u, _TANH_P))))  # subnormal u → 0: tanh(a) = a
    e = b.op(f"math.exp {f.mul(f.bin('minimumf', a, _TANH_EXP_CAP), 2.0)} : {_T}")  # NaN stays NaN
    far = f.sub(1.0, b.op(f"arith.divf {f.v(2.0)}, {f.add(e, 1.0)} : {_T}"))
    t = f.select(f.cmp("olt", a, _TANH_SPLIT), near0, far)
    return b.op(f"math.copysign {t}, {x} : {_T}")  # odd, and tanh(-0) = -0


EXPANSIONS: dict[str, Callable[[Body, str], str]] = {"sin": sin, "cos": cos, "tanh": tanh}
"""f64 scalar name → arith expansion, for exactly the math ops IREE cannot link in f64."""
