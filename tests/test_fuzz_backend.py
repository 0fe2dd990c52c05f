"""Differential fuzzing of the whole backend: random valid IR programs (tests/fuzzprog.py),
native code (default, fuse=False, blas=False) against the reference interpreter, the pass
pipeline against the unoptimised program, and the MLIR emitter against mlir-opt-22.

The fast tests run ~60 programs; `-m slow` runs 500+ per seed in a subprocess (a crash of
native code fails the test with the last program instead of killing pytest):

    .venv/bin/pytest tests/test_fuzz_backend.py -m slow
    .venv/bin/python tests/fuzzprog.py --seed 7 --examples 1000 [--special]

Every bug the fuzzer found is pinned below as a minimal deterministic program marked
xfail(strict=True) with its diagnosis: a fix turns the xfail into a failure (XPASS), then the
marker goes. Programs that hit a pinned bug are recognised (fuzzprog.KnownBug) and skipped by
the fuzz loops, so they keep finding new bugs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings

from gradc.compiler.errors import ShapeError
from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.lowering.mlir import emit_mlir
from gradc.runtime.interpreter import interpret
from gradc.runtime.jit import compile_function

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from fuzzprog import KnownBug, Prog, check, plan_order_violations, programs  # noqa: E402

F32, F64, I32 = DType.float32, DType.float64, DType.int32
OPT22 = shutil.which("mlir-opt-22")
FAST = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])


def _run(prog: Prog) -> None:
    try:
        check(prog)
    except KnownBug as e:
        event(f"known bug skipped: {e}")


# -- the fuzzers --------------------------------------------------------------------------------


@FAST
@given(programs())
def test_fuzz_native_matches_interpreter(prog: Prog) -> None:
    _run(prog)


@settings(FAST, max_examples=25)
@given(programs(special=True))
def test_fuzz_special_values(prog: Prog) -> None:
    """nan/±inf/-0.0/huge inputs, domain guards dropped half of the time: NaN/inf positions match."""
    _run(prog)


@settings(FAST, max_examples=15)
@given(programs(grads=True, optimize=True))
def test_fuzz_gradients_through_the_pipeline(prog: Prog) -> None:
    _run(prog)


@pytest.mark.skipif(OPT22 is None, reason="mlir-opt-22 not installed")
@settings(FAST, max_examples=8)
@given(programs())
def test_fuzz_mlir_verifies(prog: Prog) -> None:
    """The MLIR emitter's text for random programs (gradients, optimised too) verifies upstream."""
    text = emit_mlir(prog.fn)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fuzz.mlir"
        path.write_text(text)
        p = subprocess.run([OPT22, str(path), "-o", "/dev/null"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and not p.stderr, f"{p.stderr}\n{prog!r}\n{text}"


@pytest.mark.slow
@pytest.mark.parametrize("special", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzz_long(seed: int, special: bool, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """500 programs per seed in a subprocess: a segfault/abort is reported with its program."""
    if "slow" not in (request.config.getoption("markexpr") or "") or "not slow" in request.config.getoption(
            "markexpr"):
        pytest.skip("long fuzz run: select it with -m slow")
    last = tmp_path / "last.txt"
    cmd = [sys.executable, str(HERE / "fuzzprog.py"), "--seed", str(seed), "--examples", "500",
           "--last", str(last)] + (["--special"] if special else [])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env={**os.environ, "GRADC_VERIFY": "1"})
    if p.returncode < 0:
        pytest.fail(f"CRASH (signal {-p.returncode}) in native code on:\n{last.read_text()}")
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-12000:]


# -- regressions: every bug found, minimal and deterministic -------------------------------------


def _tile_view_program() -> Function:
    fn = Function("f")
    b = Builder(fn)
    a = b.add_arg("a", TensorType((1, 2), F32))
    s = b.add_arg("s", TensorType((), F32))
    n = b.emit("neg", a)  # opens a loop group over 1x2
    t = b.emit("tile", b.emit("reshape", s, shape=[1]), multiples=[2])  # a materialised view
    m = b.emit("mul", a, b.emit("reshape", t, shape=[1, 2]))  # a folded view of it
    fn.outputs = [n, m]
    return fn


def test_regression_fused_loop_reads_tile_before_it_runs() -> None:
    fn = _tile_view_program()
    x = [np.array([[1, 2]], np.float32), np.array(3, np.float32)]
    assert not plan_order_violations(fn)
    got = compile_function(fn)(*x)
    for g, w in zip(got, interpret(fn, x)):
        np.testing.assert_array_equal(g, w)


def test_tile_view_program_unfused_is_correct() -> None:
    fn = _tile_view_program()
    x = [np.array([[1, 2]], np.float32), np.array(3, np.float32)]
    for g, w in zip(compile_function(fn, fuse=False)(*x), interpret(fn, x)):
        np.testing.assert_array_equal(g, w)


# TF's TanhGrad & co. require equal shapes (they never broadcast), and so does gradc now.
def test_regression_grad_kernels_reject_broadcasting() -> None:
    fn = Function("f")
    b = Builder(fn)
    y = b.add_arg("y", TensorType((), F64))
    dy = b.add_arg("dy", TensorType((2,), F64))
    for op in ("tanh_grad", "sigmoid_grad", "sqrt_grad", "rsqrt_grad", "reciprocal_grad", "relu_grad"):
        with pytest.raises(ShapeError, match="equal shapes"):
            b.emit(op, y, dy)


def test_sin_cos_huge_float32() -> None:
    # Was a strict xfail (special-values fuzzer, seed 53): sin(3e38) gave inf before the table
    # reduction of |x| >= 2^28 (vecmath_trig.py).
    import gradc

    @gradc.function
    def f(x: object) -> object:
        return gradc.sin(x), gradc.cos(x)

    x = np.array([3e38, -1e30, 1e17, 6e15, 1e10], dtype=np.float32)
    s, c = f(x)
    np.testing.assert_allclose(np.asarray(s), np.sin(x.astype(np.float64)).astype(np.float32), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.asarray(c), np.cos(x.astype(np.float64)).astype(np.float32), rtol=1e-6, atol=1e-7)
