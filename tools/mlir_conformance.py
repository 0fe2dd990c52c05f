"""Emit MLIR for TF conformance programs and check it with tools/mlir_check.py.

For each case (errors excepted) gradc traces and compiles f(*ARGS) natively, emits the
optimised function as MLIR, and mlir_check verifies the text and runs it through upstream
MLIR (and IREE with --all, f64 kept as f64), comparing with gradc's native results.

    python tools/mlir_conformance.py [--case SUBSTR] [--require 22] [--all] [--keep DIR]
                                     [--checker-python PY] [--cases DIR]

The cases are the project's copy of the conformance corpus (tests/conformance/cases/public)
unless --cases names another directory of case files (e.g. a held-out split elsewhere).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import gradc

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT / "tools" / "mlir_check.py"  # the project's copy of the independent checker
CASES = ROOT / "tests" / "conformance" / "cases" / "public"


def load_case(path: Path):  # type: ignore[no-untyped-def]
    sys.modules["tensorflow"] = gradc
    spec = importlib.util.spec_from_file_location(f"gradc_mlir_case_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def check_case(path: Path, work: Path, require: str, everything: bool, python: str = sys.executable) -> str | None:
    """None when the case passes (or expects an error), else a one-line reason."""
    mod = load_case(path)
    if getattr(mod, "EXPECT_ERROR", None):
        return None
    args = list(getattr(mod, "ARGS", []))
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        lowered = mod.f.lower(*args)
    arrays = [np.asarray(a) for a in args]
    native = lowered.entry.run(*arrays)
    text = lowered.as_text("mlir")
    mlir = work / f"{path.stem}.mlir"
    mlir.write_text(text)
    np.savez(work / f"{path.stem}.in.npz", **{f"arg{i}": a for i, a in enumerate(arrays)})
    np.savez(work / f"{path.stem}.out.npz", **{f"out{i}": a for i, a in enumerate(native)})
    cmd = [python, str(CHECKER), str(mlir), "--require", require, "--func", lowered.entry.ir.name,
           "--inputs", str(work / f"{path.stem}.in.npz"), "--expect", str(work / f"{path.stem}.out.npz")]
    if everything:
        # IREE demotes f64 to f32 by default, so a float64 program's ABI would take f32; keeping
        # f64 changes nothing for programs without f64 (same vmfb).
        cmd += ["--all", "--iree-flag=--iree-input-demote-f64-to-f32=false"]
    else:
        cmd += ["--llvm", "--lower-with", "22"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        tail = " | ".join(p.stderr.strip().splitlines()[-3:])
        return f"mlir_check exit {p.returncode}: {tail}"
    json.loads(p.stdout)
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", help="only cases whose file name contains this")
    ap.add_argument("--require", default="22", help="toolchains that must be present (mlir_check --require)")
    ap.add_argument("--all", action="store_true", help="every toolchain (19, 22, IREE) instead of --llvm with 22")
    ap.add_argument("--keep", help="write the .mlir files and npz data here")
    ap.add_argument("--cases", type=Path, default=CASES, help=f"directory of case files (default: {CASES})")
    ap.add_argument("--checker-python", default=os.environ.get("GRADC_MLIR_CHECK_PYTHON", sys.executable),
                    help="the Python that runs mlir_check (for IREE, one with iree-base-runtime and llvmlite; "
                         "default: this one, or $GRADC_MLIR_CHECK_PYTHON)")
    opts = ap.parse_args(argv)
    work = Path(opts.keep) if opts.keep else Path(tempfile.mkdtemp(prefix="gradc-mlir-"))
    work.mkdir(parents=True, exist_ok=True)
    passed = failed = 0
    for path in sorted(opts.cases.glob("*.py")):
        if opts.case and opts.case not in path.name:
            continue
        try:
            reason = check_case(path, work, opts.require, opts.all, opts.checker_python)
        except Exception as e:  # a gradc failure on this case is reported, not fatal
            reason = f"{type(e).__name__}: {e}"
        if reason is None:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {path.stem}: {reason}")
    print(f"mlir: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
