"""Finding what to run and running it: workloads, engine interpreters, worker processes.

Locates the benchmark suite (the project's copy in bench/, or ``--suite DIR``) and copies it to
a scratch directory, reads the workloads' presets without importing them, picks
(workload, preset) pairs from `--only`, finds an interpreter per engine, and runs one pinned,
single-threaded `bench/worker.py` process per measurement, aggregating those processes into
an `EngineResult`. Used by bench/run.py; standard library only.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from table import EngineResult  # a sibling module: run.py puts bench/ on sys.path to import us

HERE = Path(__file__).resolve().parent
SUITE = HERE  # the project's copy: bench/workloads/, bench/numpy_impl.py, bench/jax_impl.py
SHARED_BENCH = HERE.parents[1] / "shared" / "bench"  # an extra copy beside the repository, if any
SUITE_FILES: tuple[str, ...] = ("numpy_impl.py", "jax_impl.py")

# ----------------------------------------------------------------------------- discovery


def find_suite(override: Path | None) -> Path:
    """The benchmark suite directory (default: bench/ itself), or exit with a clear message."""
    path = override if override is not None else SUITE
    if not (path / "workloads").is_dir() or not (path / "numpy_impl.py").is_file():
        sys.exit(
            f"bench: benchmark suite not found at {path}\n"
            f"  expected {path}/workloads/w*.py, numpy_impl.py and jax_impl.py "
            "(the project's copy is bench/ itself; --suite DIR names another)"
        )
    return path


def suite_files(path: Path) -> dict[str, bytes]:
    """Relative name -> content of a suite's workloads and peer implementations."""
    files = {f"workloads/{f.name}": f.read_bytes() for f in sorted((path / "workloads").glob("*.py"))}
    files.update({name: (path / name).read_bytes() for name in SUITE_FILES if (path / name).is_file()})
    return files


def other_suite_note(used: Path, other: Path = SHARED_BENCH) -> str | None:
    """A note when a second copy of the suite (../shared/bench) exists and differs from the one used."""
    if not (other / "workloads").is_dir() or other.resolve() == used.resolve():
        return None
    mine, theirs = suite_files(used), suite_files(other)
    differ = sorted(n for n in mine.keys() | theirs.keys() if mine.get(n) != theirs.get(n))
    if not differ:
        return None
    shown = ", ".join(differ[:6]) + (", ..." if len(differ) > 6 else "")
    return f"note: {other} differs from the suite measured ({used}) in {shown}; --suite {other} measures it"


def copy_suite(src: Path, dst: Path) -> Path:
    """Copy the workloads and peer implementations into a scratch directory for this run."""
    out = dst / "bench"
    (out / "workloads").mkdir(parents=True)
    for name, data in suite_files(src).items():
        (out / name).write_bytes(data)
    return out


def read_presets(path: Path) -> tuple[list[str], str]:
    """PRESETS keys and DEFAULT of a workload file, read with ast (no import of tensorflow)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    presets: list[str] = []
    default = ""
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name == "PRESETS" and isinstance(node.value, ast.Dict):
                # only the keys: values may be computed (W9: `dict(_BASE, T=50, ...)`)
                presets = [str(ast.literal_eval(k)) for k in node.value.keys if k is not None]
            elif name == "DEFAULT":
                default = str(ast.literal_eval(node.value))
    return presets, default


def select(workloads: dict[str, list[str]], only: Sequence[str]) -> list[tuple[str, str]]:
    """(workload, preset) pairs filtered by ``--only`` items like ``w1``, ``w5_chain``, ``w5:n200``."""
    pairs = [(w, p) for w, ps in workloads.items() for p in ps]
    if not only:
        return pairs
    keep: list[tuple[str, str]] = []
    for w, p in pairs:
        for item in only:
            wsel, _, psel = item.partition(":")
            if (w == wsel or w.startswith(wsel + "_")) and (not psel or p == psel):
                keep.append((w, p))
                break
    if not keep:
        sys.exit(f"bench: --only {' '.join(only)} matches no workload; have {', '.join(f'{w}:{p}' for w, p in pairs)}")
    return keep


def has_module(python: str, module: str) -> tuple[bool, str]:
    """Whether ``python`` can find ``module`` (find_spec: cheap, does not import it)."""
    code = f"import importlib.util, sys; sys.exit(0 if importlib.util.find_spec({module!r}) else 3)"
    try:
        proc = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"{python}: {exc}"
    if proc.returncode == 0:
        return True, ""
    if proc.returncode == 3:
        return False, f"{module} not installed for {python}"
    return False, f"{python}: {proc.stderr.strip().splitlines()[-1:] or proc.returncode}"


def resolve_engines(
    wanted: Sequence[str], tf_python: str | None, jax_python: str | None
) -> dict[str, tuple[str | None, str]]:
    """Engine -> (interpreter or None, reason when None)."""
    out: dict[str, tuple[str | None, str]] = {}
    me = sys.executable
    for engine in wanted:
        if engine in ("gradc", "numpy"):
            module = "gradc" if engine == "gradc" else "numpy"
            ok, why = has_module(me, module)
            out[engine] = (me, "") if ok else (None, why)
            continue
        module, given, env = (
            ("tensorflow", tf_python, "GRADC_BENCH_TF_PYTHON")
            if engine in ("tensorflow", "tf-xla")
            else ("jax", jax_python, "GRADC_BENCH_JAX_PYTHON")
        )
        ok, why = has_module(me, module)
        if ok:
            out[engine] = (me, "")
            continue
        other = given or os.environ.get(env)
        if not other:
            flag = "--tf-python" if module == "tensorflow" else "--jax-python"
            out[engine] = (None, f"{module} not installed here; give {flag} PATH or ${env}")
            continue
        ok, why = has_module(other, module)
        out[engine] = (other, "") if ok else (None, why)
    return out


# ----------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Plan:
    """Timing parameters for a mode."""

    procs: int
    budget_s: float
    warmup_s: float
    timeout_s: float


def worker_env() -> dict[str, str]:
    """Environment for a worker: this one plus single-threaded library settings."""
    sys.path.insert(0, str(HERE))
    try:
        from worker import SINGLE_THREAD_ENV
    finally:
        sys.path.pop(0)
    env = dict(os.environ)
    for k, v in SINGLE_THREAD_ENV.items():
        env.setdefault(k, v)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_worker(
    python: str,
    suite: Path,
    workload: str,
    preset: str,
    engine: str,
    plan: Plan,
    cpu: int,
    env: dict[str, str],
    cwd: Path,
) -> dict[str, Any]:
    """One fresh pinned process; returns the worker's JSON or an error dict."""
    cmd = [
        python,
        str(HERE / "worker.py"),
        "--suite", str(suite),
        "--workload", workload,
        "--preset", preset,
        "--engine", engine,
        "--cpu", str(cpu),
        "--budget", str(plan.budget_s),
        "--warmup", str(plan.warmup_s),
    ]  # fmt: skip
    if cpu >= 0 and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(cpu), *cmd]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=plan.timeout_s, env=env, cwd=cwd)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timeout after {plan.timeout_s:.0f} s", "wall_s": time.perf_counter() - t0}
    wall = time.perf_counter() - t0
    lines = proc.stdout.strip().splitlines()
    if lines:
        try:
            res: dict[str, Any] = json.loads(lines[-1])
            res["wall_s"] = wall
            return res
        except json.JSONDecodeError:
            pass
    tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
    return {"ok": False, "error": f"worker exit {proc.returncode}: {tail}", "wall_s": wall}


def aggregate(engine: str, python: str, procs: list[dict[str, Any]]) -> EngineResult:
    """Median over processes (cold, median, RSS); max of the relative errors."""
    res = EngineResult(engine=engine, python=python, procs=procs)
    good = [p for p in procs if p.get("ok")]
    if not good and procs and all(p.get("unsupported") for p in procs):
        res.status = "unsupported"  # a TF feature gradc lacks: reported, not a failure
        res.reason = str(procs[0]["unsupported"])
        return res
    if not good:
        res.status = "error"
        res.reason = str(procs[0].get("error", "failed")) if procs else "no process ran"
        return res
    res.status = "ok"
    res.median_s = statistics.median(p["median_s"] for p in good)
    res.cold_s = statistics.median(p["cold_s"] for p in good)
    res.rss_mb = statistics.median(p["rss_peak_mb"] for p in good)
    errs = [p["max_rel_err"] for p in good if p.get("max_rel_err") is not None]
    res.max_rel_err = max(errs) if errs else None
    if len(good) < len(procs):
        res.reason = f"{len(procs) - len(good)} of {len(procs)} processes failed: " + str(
            next(p.get("error") for p in procs if not p.get("ok"))
        )
    return res
