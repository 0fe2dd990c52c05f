"""float64 sin/cos/tanh in MLIR are arith expansions (f64math.py) with their stated accuracy.

The expansion is run where it is meant to run: emitted as MLIR, lowered with mlir-opt-22 and
JIT-run by tools/mlir_check.py (the same pipeline as test_mlir.py), on a dense float64
sample with special values, and compared with NumPy (glibc) ulp by ulp. With iree-compile on
PATH, the emitted f64 module must also compile and link in IREE with f64 kept (the bug fixed).
Tool-dependent tests skip, saying so, only when an external tool (mlir-opt-22, IREE) is absent.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function, Loc
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.lowering.mlir import emit_mlir

# The project's copy of the independent MLIR checker (never imports gradc).
CHECKER = Path(__file__).resolve().parents[1] / "tools" / "mlir_check.py"
OPT22, OPT19, IREE = shutil.which("mlir-opt-22"), shutil.which("mlir-opt-19"), shutil.which("iree-compile")
FNS = ("sin", "cos", "tanh")
EXACT_SINCOS = 2.0**26  # f64math: sin/cos are ≤ 1 ulp up to here
ULP_BOUND = {"sin": 1.0, "cos": 1.0, "tanh": 1.5}

needs_check = pytest.mark.skipif(OPT22 is None,
                                 reason="external tool not installed: mlir-opt-22 (apt-get install mlir-22-tools)")


def program(dt: DType, n: int) -> Function:
    fn = Function(f"trig_{dt.short}")
    b = Builder(fn, Loc("prog.py", 1, 1))
    x = b.add_arg("x", TensorType((n,), dt))
    fn.outputs = [b.emit(name, x) for name in FNS]
    return fn


def sample() -> np.ndarray:
    """Specials, subnormals, tiny/huge values, neighbours of k·π/2, the doubles closest to a
    multiple of π/2 below 2**26 (2**-60.5 and 2**-59 away), the tanh branch point, randoms."""
    rng = np.random.default_rng(1)
    k = np.arange(-300, 301) * (np.pi / 2)
    hard = [float.fromhex(h) for h in ("0x1.6c6cbc45dc8dep+5", "0x1.6c6cbc45dc8dep+6", "0x1.b951f1572eba5p+23",
                                       "0x1.b951f1572eba5p+25", "0x1.39c6fd67805a7p+18")]
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, -1e-300,
               2.0**-27, np.nextafter(2.0**-27, 0), 0.9, np.nextafter(0.9, 0), 19.0, 19.1, 40.0, 1e6, -1e6, 1e7,
               EXACT_SINCOS, np.nextafter(EXACT_SINCOS, np.inf), 1e8, 1e15, -1e15, 1e300, -1e300,
               np.finfo(np.float64).max]
    parts = [special, hard, np.negative(hard), k, np.nextafter(k, np.inf), np.nextafter(k, -np.inf),
             rng.uniform(-4, 4, 6000), rng.uniform(0.8, 1.0, 1000), 10 ** rng.uniform(-320, 7.8, 4000),
             -(10 ** rng.uniform(-320, 7.8, 2000)), rng.uniform(-EXACT_SINCOS, EXACT_SINCOS, 2000),
             10 ** rng.uniform(8, 308, 500)]
    return np.concatenate([np.asarray(p, np.float64) for p in parts])


def run_llvm22(fn: Function, x: np.ndarray, tmp_path: Path) -> list[np.ndarray]:
    """The outputs of `fn` lowered by mlir-opt-22 and JIT-run by mlir_check, exactly (JSON floats)."""
    path = tmp_path / f"{fn.name}.mlir"
    path.write_text(emit_mlir(fn))
    np.savez(tmp_path / "in.npz", arg0=x)
    cmd = [sys.executable, str(CHECKER), str(path), "--llvm", "--require", "22", "--lower-with", "22",
           "--func", fn.name, "--inputs", str(tmp_path / "in.npz"), "--max-print", str(x.size), "--quiet",
           "--json-out", str(tmp_path / "report.json")]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-4000:]
    outs = json.loads((tmp_path / "report.json").read_text())["functions"][fn.name]["llvm-22"]["outputs"]
    return [np.array([float(v) for v in o["data"]], np.float64) for o in outs]  # "NaN"/"Infinity" parse


def ulps(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    return np.abs(got - ref) / np.spacing(np.abs(ref))


# -- text (no tools) ----------------------------------------------------------------------------


def test_f64_uses_no_libm_trig_and_f32_is_unchanged() -> None:
    f64, f32 = emit_mlir(program(DType.float64, 4)), emit_mlir(program(DType.float32, 4))
    assert not re.search(r"math\.(sin|cos|tanh) ", f64)
    assert set(re.findall(r"math\.\w+", f64)) <= {"math.absf", "math.copysign", "math.exp"}
    for name in FNS:
        assert re.search(rf"math\.{name} %in\w* : f32", f32), name
    assert "math.absf" not in f32
    # every float literal is an exact hex bit pattern
    assert not re.search(r"arith\.constant -?\d+\.\d", f64)


# -- accuracy through mlir-opt-22 + llvmlite ----------------------------------------------------


@needs_check
def test_f64_sin_cos_tanh_accuracy(tmp_path: Path) -> None:
    x = sample()
    got = dict(zip(FNS, run_llvm22(program(DType.float64, x.size), x, tmp_path)))
    with np.errstate(invalid="ignore"):
        ref = {"sin": np.sin(x), "cos": np.cos(x), "tanh": np.tanh(x)}
    for name in FNS:
        g, r = got[name], ref[name]
        np.testing.assert_array_equal(np.isnan(g), np.isnan(r), err_msg=f"{name}: NaN where NumPy has NaN")
        exact = np.abs(x) <= (EXACT_SINCOS if name != "tanh" else np.inf)
        fin = exact & ~np.isnan(r)
        u = ulps(g[fin], r[fin])
        assert u.max() <= ULP_BOUND[name], f"{name}: {u.max()} ulp at x={x[fin][np.argmax(u)]!r}"
        # ±0 keep their sign (sin, tanh), subnormals pass through, cos(±0) = 1, tanh(±inf) = ±1
        both = fin & (r == 0)
        np.testing.assert_array_equal(np.signbit(g[both]), np.signbit(r[both]))
    tiny = (np.abs(x) < 1e-300) & np.isfinite(x)
    np.testing.assert_array_equal(got["sin"][tiny], x[tiny])
    np.testing.assert_array_equal(got["tanh"][tiny], x[tiny])
    np.testing.assert_array_equal(got["tanh"][np.isinf(x)], np.sign(x[np.isinf(x)]))
    # Beyond 2**26 sin/cos are documented as inexact: finite, in [-1, 1], error ≲ |x|·2**-52.
    huge = np.isfinite(x) & (np.abs(x) > EXACT_SINCOS)
    for name in ("sin", "cos"):
        g = got[name][huge]
        assert np.all(np.isfinite(g)) and np.all(np.abs(g) <= 1.0), name
        mid = np.abs(x[huge]) < 2.0**50
        assert np.all(np.abs(g - ref[name][huge])[mid] <= np.abs(x[huge][mid]) * 2.0**-51), name


# -- IREE links f64 (the bug) -------------------------------------------------------------------


@pytest.mark.skipif(IREE is None, reason="external tool not installed: iree-compile (pip install iree-base-compiler)")
def test_f64_trig_links_in_iree(tmp_path: Path) -> None:
    path = tmp_path / "trig.mlir"
    path.write_text(emit_mlir(program(DType.float64, 8)))
    cmd = [str(IREE), str(path), "--iree-hal-target-device=local", "--iree-hal-local-target-device-backends=llvm-cpu",
           "--iree-llvmcpu-target-cpu=host", "--iree-input-demote-f64-to-f32=false", "-o", str(tmp_path / "m.vmfb")]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-4000:]
