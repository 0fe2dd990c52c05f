"""Accuracy, special values and vectorisation of the vectorisable math functions (vecmath.py).

Each function is JIT-compiled as a one-op gradc function over a whole NumPy buffer, so the
sweeps run in native code; the error is then measured in ulp of the float32 result against
NumPy's float64 functions (glibc, < 1 ulp of float64: exact for float32 purposes), unrounded.
The sweep takes every 2^10-th float32 bit pattern (with a seeded jitter inside each step), so
both signs, denormals, huge values, ±inf and NaNs are all visited. `python tests/test_vecmath.py`
runs the finer 2^8 sweep and the ns/element table quoted in vecmath.py's docstring.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable

import numpy as np
import pytest

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function
from gradc.compiler.ir.types import DType, TensorType
from gradc.runtime.jit import NativeFunction, compile_function

F32, F64 = DType.float32, DType.float64
Ref = Callable[..., np.ndarray]


def _sigmoid64(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))


REF: dict[str, Ref] = {"exp": np.exp, "log": np.log, "log1p": np.log1p, "sin": np.sin, "cos": np.cos,
                       "tanh": np.tanh, "sigmoid": _sigmoid64, "sqrt": np.sqrt, "pow": np.power}
# Stated bounds (max ulp, float32), default and fastmath; measured values are in vecmath.py.
BOUND = {"exp": 1.0, "log": 1.0, "log1p": 1.5, "sin": 1.0, "cos": 1.0, "tanh": 2.0, "sigmoid": 2.0,
         "sqrt": 0.5, "pow": 1.0}
_cache: dict[tuple[str, DType, int, bool], NativeFunction] = {}


def native(name: str, dt: DType, n: int, fastmath: bool = False) -> NativeFunction:
    """A compiled one-op function `name(x[, y])` over length-n vectors of dtype dt."""
    key = (name, dt, n, fastmath)
    if key not in _cache:
        fn = Function(f"vm_{name}")
        b = Builder(fn)
        xs = [b.add_arg(f"x{i}", TensorType((n,), dt)) for i in range(2 if name == "pow" else 1)]
        fn.outputs = [b.emit(name, *xs)]
        _cache[key] = compile_function(fn, fastmath=fastmath)
    return _cache[key]


def run(name: str, *args: np.ndarray, fastmath: bool = False) -> np.ndarray:
    dt = F32 if args[0].dtype == np.float32 else F64
    return native(name, dt, args[0].size, fastmath)(*args)[0]


def ulp_error(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """|got - ref| in ulp of the float32 result (ulp of ref's binade, denormal ulp 2^-149).

    Where ref rounds to ±inf in float32 (or got is infinite) only an exact match counts (0, else
    inf); a NaN on one side only is inf."""
    with np.errstate(over="ignore", invalid="ignore"):  # signalling NaNs in the sweep
        g = got.astype(np.float64)
        r32 = ref.astype(np.float32).astype(np.float64)
    err = np.zeros(g.shape)
    gn, rn = np.isnan(g), np.isnan(ref)
    err[gn != rn] = np.inf
    inf = (np.isinf(r32) | np.isinf(g)) & ~gn & ~rn
    err[inf] = np.where(g[inf] == r32[inf], 0.0, np.inf)
    fin = ~inf & ~gn & ~rn
    _, e = np.frexp(ref[fin])
    err[fin] = np.abs(g[fin] - ref[fin]) / np.ldexp(1.0, np.maximum(e - 24, -149))
    return err


def sweep32(step: int, seed: int = 0) -> np.ndarray:
    """Every step-th float32 bit pattern (jittered inside the step): all binades, both signs."""
    rng = np.random.default_rng(seed)
    bits = np.arange(0, 2**32, step, dtype=np.uint64) + rng.integers(0, step, 2**32 // step, dtype=np.uint64)
    return bits.astype(np.uint32).view(np.float32)


def max_ulp(name: str, x: np.ndarray, fastmath: bool = False) -> tuple[float, float]:
    """(max ulp error, the worst input) of the float32 function on x."""
    got = run(name, x, fastmath=fastmath)
    with np.errstate(all="ignore"):
        ref = REF[name](x.astype(np.float64))
    err = ulp_error(got, ref)
    i = int(np.argmax(err))
    return float(err[i]), float(x[i])


def pow_inputs(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """x over all positive binades, y spread so x**y covers overflow, underflow and denormals;
    plus negative x with integer y."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 0x7F800000, n, dtype=np.uint32).view(np.float32)
    lx = np.log2(x.astype(np.float64))
    y = (rng.uniform(-160, 160, n) / np.where(lx == 0, 1.0, lx)).astype(np.float32)  # |y*log2 x| <~ 160
    y[: n // 8] = rng.uniform(-4, 4, n // 8).astype(np.float32)
    x[n // 8: n // 4] = rng.uniform(-3, 3, n // 8 - (n // 8 == n // 4)).astype(np.float32)
    y[n // 8: n // 4] = np.rint(rng.uniform(-40, 40, n // 8)).astype(np.float32)
    return x, y


def pow_max_ulp(n: int, fastmath: bool = False) -> tuple[float, float, float]:
    x, y = pow_inputs(n)
    got = run("pow", x, y, fastmath=fastmath)
    with np.errstate(all="ignore"):
        ref = np.power(x.astype(np.float64), y.astype(np.float64))
    err = ulp_error(got, ref)
    i = int(np.argmax(err))
    return float(err[i]), float(x[i]), float(y[i])


UNARY = ["exp", "log", "log1p", "sin", "cos", "tanh", "sigmoid", "sqrt"]


@pytest.mark.parametrize("fastmath", [False, True], ids=["ieee", "fast"])
@pytest.mark.parametrize("name", UNARY)
def test_float32_sweep(name: str, fastmath: bool) -> None:
    err, at = max_ulp(name, sweep32(2**10), fastmath)
    assert err <= BOUND[name], f"{name}: {err:.3f} ulp at x={at!r}"


def test_float32_dense_near_interesting_points() -> None:
    # Dense around 0, ±1, exp's overflow/underflow thresholds and tanh's 0.625 switch.
    rng = np.random.default_rng(3)
    pts = {"exp": [88.72283, -87.33654, -103.97208, 0.0], "log": [1.0, 2.0, 1e-40], "log1p": [0.0, -1.0, 0.41421],
           "tanh": [0.625, 0.0, 9.0, 9.02, 2.0], "sigmoid": [0.0, -88.0, -103.0, 17.0], "sin": [0.0, np.pi, 1e5],
           "cos": [np.pi / 2, 0.0, 1e5]}
    for name, centres in pts.items():
        x = np.concatenate([np.float32(c) + np.float32(max(abs(c), 1e-30)) * rng.uniform(-1e-3, 1e-3, 100000)
                            for c in centres]).astype(np.float32)
        err, at = max_ulp(name, x)
        assert err <= BOUND[name], f"{name}: {err:.3f} ulp at x={at!r}"


@pytest.mark.parametrize("fastmath", [False, True], ids=["ieee", "fast"])
def test_float32_pow(fastmath: bool) -> None:
    err, x, y = pow_max_ulp(2**20, fastmath)
    assert err <= BOUND["pow"], f"pow: {err:.3f} ulp at {x!r}**{y!r}"


SPECIAL32 = np.array([np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 1e-45, -1e-45, 1.1754942e-38,
                      1.1754944e-38, -1.1754944e-38, 3.4028235e38, -3.4028235e38, 88.72283, 88.72284, -87.33654,
                      -103.97207, -103.97208, -104.0, 89.0, 0.5, -0.5, 2.0, 1e-8, -1e-8, 0.625, -0.625, 9.0,
                      -1.0 + 2**-24, 1e5, -1e5, 1e30], dtype=np.float32)


@pytest.mark.parametrize("name", ["exp", "log", "log1p", "sin", "cos", "tanh", "sqrt"])
def test_special_values_match_numpy(name: str) -> None:
    with np.errstate(all="ignore"):
        want = getattr(np, name)(SPECIAL32)
    got = run(name, SPECIAL32)
    exact = ~np.isfinite(want) | (want == 0) | ~np.isfinite(SPECIAL32) | (SPECIAL32 == 0)
    np.testing.assert_array_equal(got[exact], want[exact], err_msg=name)
    np.testing.assert_array_equal(np.signbit(got[exact & (want == 0)]), np.signbit(want[exact & (want == 0)]))
    err = ulp_error(got, getattr(np, name)(SPECIAL32.astype(np.float64)))
    assert np.all(err <= BOUND[name]), (name, SPECIAL32[err > BOUND[name]], err[err > BOUND[name]])


# float32 sin/cos arguments from 2^28 on take the table (Payne-Hanek) reduction: hard cases.
HUGE_TRIG = np.array([3e38, -3e38, 3.4028235e38, 1e30, -1e30, 1e17, 6e15, 1e10, 2.0**28, 2.0**51, 2.0**60, -2.0**60,
                      2.0**127, 16367173 * 2.0**72,  # x*2/pi within 2^-29.9 of an integer: the float32 worst case
                      -16367173 * 2.0**72, 742250624.0, 513857536.0, 2.0**28 * np.pi / 2, 4.2e8, 4.3e8],
                     dtype=np.float32)


def huge32(step: int) -> np.ndarray:
    """Every step-th float32 bit pattern with |x| >= 2^28 (both signs), then the hard cases."""
    bits = np.arange(0x4D800000, 0x7F800000, step, dtype=np.uint32)
    return np.concatenate([bits.view(np.float32), (bits | np.uint32(0x80000000)).view(np.float32), HUGE_TRIG])


@pytest.mark.parametrize("fastmath", [False, True], ids=["ieee", "fast"])
@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_cos_huge_arguments(name: str, fastmath: bool) -> None:
    # The whole range was swept once (every float32 with |x| >= 2^28: max 0.5009 ulp); this is
    # a dense sample of it. Before the table reduction: up to inf (sin(3e38) was inf).
    x = huge32(997)
    err, at = max_ulp(name, x, fastmath)
    assert err <= BOUND[name], f"{name}: {err:.3f} ulp at x={at!r}"
    got = run(name, x, fastmath=fastmath)
    odd = np.array(-1.0 if name == "sin" else 1.0, dtype=np.float32)  # sin(-x) = -sin(x), cos(-x) = cos(x)
    np.testing.assert_array_equal(run(name, -x, fastmath=fastmath), odd * got)


def test_sin_cos_huge_out_of_line() -> None:
    # Past OUTLINE_AFTER call sites sin is out of line: its vector variants call the reduction's.
    n, k = 4096, 12
    fn = Function("many_sin")
    b = Builder(fn)
    xs = [b.add_arg(f"x{i}", TensorType((n,), F32)) for i in range(k)]
    fn.outputs = [b.emit("sin", x) for x in xs]
    nf = compile_function(fn)
    assert "gradc.vm.sin.f32.v" in nf.llvm_opt_ir  # really out of line
    rng = np.random.default_rng(7)
    args = [rng.choice(huge32(99991), n).astype(np.float32) for _ in range(k)]
    for x, got in zip(args, nf(*args), strict=True):
        assert ulp_error(got, np.sin(x.astype(np.float64))).max() <= BOUND["sin"]


def test_float64_sin_cos_stay_libm() -> None:
    x = np.concatenate([HUGE_TRIG.astype(np.float64), [1e300, -1e22, 2.0**1000, 0.5, -0.0, np.inf, np.nan]])
    for name in ("sin", "cos"):
        with np.errstate(invalid="ignore"):
            np.testing.assert_array_equal(run(name, x), getattr(np, name)(x))


def test_sigmoid_special_values() -> None:
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 100.0, -100.0, -103.0, -200.0], dtype=np.float32)
    got = run("sigmoid", x)
    want = np.array([np.nan, 1.0, 0.0, 0.5, 0.5, 1.0, np.exp(np.float64(-100)), np.exp(np.float64(-103)), 0.0],
                    dtype=np.float32)
    np.testing.assert_array_equal(got, want)
    assert got[7] > 0 and not np.signbit(got[2])


POW_SPECIAL = [np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, 2.5, -2.5,
               1e-45, 1e30, -1e30, 16777217.0, 1e10]


def test_pow_c99_special_cases() -> None:
    x, y = (np.array(c, dtype=np.float32) for c in zip(*[(a, b) for a in POW_SPECIAL for b in POW_SPECIAL],
                                                          strict=True))
    with np.errstate(all="ignore"):
        want = np.power(x, y)  # NumPy calls C's powf: C99 Annex F special cases
    got = run("pow", x, y)
    exact = ~np.isfinite(want) | (want == 0) | ~np.isfinite(x) | ~np.isfinite(y) | (x == 0) | (y == 0)
    bad = exact & ~((got == want) | (np.isnan(got) & np.isnan(want)))
    bad |= exact & (want == 0) & (np.signbit(got) != np.signbit(want))
    assert not bad.any(), list(zip(x[bad], y[bad], got[bad], want[bad], strict=True))
    err = ulp_error(got, np.power(x.astype(np.float64), y.astype(np.float64)))
    assert np.all(err[~exact] <= BOUND["pow"])


@pytest.mark.parametrize("name", ["exp", "log", "sigmoid"])
def test_float64_vector_versions(name: str) -> None:
    rng = np.random.default_rng(5)
    x = rng.integers(0, 2**64, 2**20, dtype=np.uint64).view(np.float64)
    x = np.concatenate([x, rng.uniform(-750, 750, 2**18), rng.uniform(0, 4, 2**18),
                        [np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, 2.2250738585072014e-308, 709.782712893384,
                         709.7827128933841, -745.1332191019411, -745.1332191019412, 1.0]])
    got = run(name, x)
    with np.errstate(all="ignore"):  # sigmoid's formula in 80-bit, so its own rounding does not count
        want = REF[name](x.astype(np.longdouble)).astype(np.float64) if name == "sigmoid" else REF[name](x)
    ok = (got == want) | (np.isnan(got) & np.isnan(want))
    _, e = np.frexp(np.where(ok, 1.0, want))
    with np.errstate(invalid="ignore"):
        err = np.where(ok, 0.0, np.abs(got - want) / np.ldexp(1.0, np.maximum(e - 53, -1074)))
    assert err.max() <= 2.0, (name, err.max(), x[np.argmax(err)])  # vs glibc (itself < 1 ulp)


@pytest.mark.parametrize("name", ["exp", "log", "log1p", "sin", "cos", "tanh", "sigmoid", "sqrt", "pow"])
def test_loop_vectorises(name: str) -> None:
    ir = native(name, F32, 1024).llvm_opt_ir
    assert "<8 x float>" in ir or "<16 x float>" in ir, name
    # The helper was inlined (and then dropped); float32 sin/cos call their huge-argument fixup
    # (vecmath_trig.py), nothing else.
    ir = re.sub(r"@gradc\.vm\.rem_pio2_huge[\w.]*", "@FIXUP", ir)
    assert ("call intel_ocl_bicc <8 x double> @FIXUP" in ir) == (name in ("sin", "cos")), name
    assert "gradc.vm." not in ir
    assert not re.search(r"call [^@]*@(?!llvm\.|FIXUP)", ir), name  # only intrinsics called: no libm left


@pytest.mark.parametrize("name", ["exp", "sin", "cos", "tanh"])
def test_explicit_fma_is_kept(name: str) -> None:
    # These are measured with their own fused multiply-adds (vecmath's docstring): the
    # vectorised loop must use the FMA intrinsic, never a libm call for it.
    ir = native(name, F32, 1024).llvm_opt_ir
    assert re.search(r"@llvm\.fma\.v\d+f(32|64)", ir), name


# -- measurement (python tests/test_vecmath.py) ------------------------------------------------


def _ns_per_element(f: Callable[[], object], n: int) -> float:
    f()
    best = min(_timed(f) for _ in range(15))
    return best / n * 1e9


def _timed(f: Callable[[], object]) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def main() -> None:
    step = int(sys.argv[1]) if len(sys.argv) > 1 else 2**8
    x = sweep32(step)
    print(f"float32 max ulp over every {step}-th bit pattern ({x.size} values), default / fastmath:")
    for name in UNARY:
        d, at = max_ulp(name, x)
        f, _ = max_ulp(name, x, True)
        print(f"  {name:8s} {d:6.3f} / {f:6.3f}   (worst default at {at!r})")
    d, px, py = pow_max_ulp(2**24)
    f, _, _ = pow_max_ulp(2**24, True)
    print(f"  pow      {d:6.3f} / {f:6.3f}   (worst at {px!r}**{py!r})")
    n = 10**6
    rng = np.random.default_rng(0)
    a = rng.uniform(-10, 10, n).astype(np.float32)
    pos = rng.uniform(0.01, 100, n).astype(np.float32)
    yv = rng.uniform(-3, 3, n).astype(np.float32)
    out = np.empty_like(a)
    npf: dict[str, Callable[[], object]] = {
        "exp": lambda: np.exp(a, out=out), "log": lambda: np.log(pos, out=out), "log1p": lambda: np.log1p(pos, out=out),
        "sin": lambda: np.sin(a, out=out), "cos": lambda: np.cos(a, out=out), "tanh": lambda: np.tanh(a, out=out),
        "sigmoid": lambda: np.divide(1, np.add(1, np.exp(np.negative(a, out=out), out=out), out=out), out=out),
        "sqrt": lambda: np.sqrt(pos, out=out), "pow": lambda: np.power(pos, yv, out=out)}
    print("ns/element, float32, 1e6 elements, one core (gradc default / fastmath / numpy):")
    for name in [*UNARY, "pow"]:
        args = (pos, yv) if name == "pow" else (pos,) if name in ("log", "log1p", "sqrt") else (a,)
        g = native(name, F32, n)
        gf = native(name, F32, n, True)
        tg = _ns_per_element(lambda g=g, args=args: g(*args), n)
        tf = _ns_per_element(lambda g=gf, args=args: g(*args), n)
        print(f"  {name:8s} {tg:6.2f} {tf:6.2f} {_ns_per_element(npf[name], n):6.2f}")


if __name__ == "__main__":
    main()
