"""Benchmark driver: gradc against TensorFlow, TF+XLA, JAX and NumPy on the shared workloads.

Usage (from the repository root)::

    .venv/bin/python bench/run.py --quick            # `make bench`: a few minutes
    .venv/bin/python bench/run.py                    # `make bench-full`
    .venv/bin/python bench/run.py --only w1 --only w5:n200 --tf-python /path/to/tf/python

The workloads live outside the repository, in ``shared/bench`` beside it (located as
``Path(__file__).resolve().parents[2] / "shared"``); they are copied to a temporary directory at
run time and never into the repo. Every measurement is one fresh process (``bench/worker.py``)
pinned to one core (``taskset -c CPU`` and ``os.sched_setaffinity``) with single-threaded
BLAS/Eigen/XLA settings.

Engines and the interpreter each runs under:

* ``gradc``, ``numpy``: this interpreter (gradc is put into ``sys.modules['tensorflow']``);
* ``tensorflow``, ``tf-xla``: this interpreter if it has TensorFlow, else ``--tf-python`` or
  ``$GRADC_BENCH_TF_PYTHON``;
* ``jax``: this interpreter if it has JAX, else ``--jax-python`` or ``$GRADC_BENCH_JAX_PYTHON``.

TensorFlow and JAX are optional extras, never gradc dependencies; a missing peer is shown as
"—" with the reason.

Figures per (workload, preset, engine): cold time (trace + compile + first call incl.
``np.asarray``, import excluded), steady-state median seconds per call (result materialised as
NumPy) — the median over ``--procs`` fresh processes of each process's median —, peak RSS, and
for every engine the max relative error against ``numpy_impl.py``.

Modes:

* full (default): 3 processes per engine, 1.0 s of timing each, every workload and preset;
* ``--quick``: 1 process per engine, 0.3 s of timing; for the heavy presets (W2 1e7,
  W5 n1000) only gradc and numpy run (TF/XLA/JAX cold-compile n1000 in 5-17 s and TF needs
  ~1.5 GB on 1e7) — their target rows then fall back to the peer figures from the shared README,
  marked ``*``.

Output: one aligned table on stdout (``--details`` adds a per-engine table) and JSON in
``bench/results/latest.json``. Exit status 1 when gradc fails on a workload or gives a wrong
result (max relative error > ``--tolerance``); targets not met do not fail the run.
"""

from __future__ import annotations

import argparse
import ast
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_BENCH = SHARED / "bench"
DEFAULT_JSON = HERE / "results" / "latest.json"

PEERS: tuple[str, ...] = ("tensorflow", "tf-xla", "jax", "numpy")
ALL_ENGINES: tuple[str, ...] = ("gradc", *PEERS)
HEAVY: frozenset[tuple[str, str]] = frozenset({("w2_elementwise", "1e7"), ("w5_chain", "n1000")})
"""Rows whose peers other than numpy are skipped in --quick mode."""

SHORT: dict[str, str] = {
    "w1_dispatch": "W1 dispatch",
    "w2_elementwise": "W2 elementwise",
    "w3_mlp": "W3 mlp",
    "w4_logreg": "W4 logreg",
    "w5_chain": "W5 chain",
}

# Peer figures from shared/bench/README.md (seconds per call), used only when the peer named by
# a target was not measured in this run.
README_PEER: dict[tuple[str, str], tuple[str, float]] = {
    ("w1_dispatch", "seed"): ("jax", 7.2e-6),
    ("w2_elementwise", "1e6"): ("numpy", 7.92e-3),
    ("w2_elementwise", "1e7"): ("numpy", 188e-3),
    ("w3_mlp", "b256"): ("jax", 3.64e-3),
    ("w4_logreg", "100k"): ("numpy", 3.07e-3),
    ("w5_chain", "n200"): ("jax", 265e-6),
    ("w5_chain", "n1000"): ("tf-xla", 3.32e-3),
}


@dataclass(frozen=True)
class Target:
    """One acceptance target of the performance issue.

    kind: ``abs`` (median <= limit s), ``ratio`` (median / peer median <= limit; peer ``best``
    means the best peer), ``cold`` (cold <= limit s) or ``rss`` (peak RSS <= limit MiB).
    """

    kind: str
    limit: float
    peer: str = ""

    def label(self) -> str:
        """Short text for the table."""
        if self.kind == "abs":
            return f"≤{fmt_time(self.limit)}"
        if self.kind == "ratio":
            return f"≤{self.limit:g}× {self.peer}"
        if self.kind == "cold":
            return f"cold≤{fmt_time(self.limit)}"
        return f"RSS≤{self.limit:g}MB"


TARGETS: dict[tuple[str, str], tuple[Target, ...]] = {
    ("w1_dispatch", "seed"): (Target("abs", 2e-6), Target("cold", 30e-3)),
    ("w2_elementwise", "1e6"): (Target("ratio", 0.4, "numpy"),),
    ("w2_elementwise", "1e7"): (Target("ratio", 0.35, "numpy"), Target("rss", 150.0)),
    ("w3_mlp", "b256"): (Target("ratio", 0.96, "jax"),),
    ("w4_logreg", "100k"): (Target("ratio", 0.5, "numpy"),),
    ("w5_chain", "n200"): (Target("ratio", 0.5, "best"),),
    ("w5_chain", "n1000"): (Target("ratio", 0.3, "best"), Target("cold", 1.0)),
}


@dataclass
class EngineResult:
    """Aggregate of one engine on one (workload, preset) over its fresh processes."""

    engine: str
    status: str = "skipped"  # ok | error | skipped
    reason: str = ""
    python: str = ""
    median_s: float | None = None
    cold_s: float | None = None
    rss_mb: float | None = None
    max_rel_err: float | None = None
    procs: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON form (raw per-process results included)."""
        return dict(self.__dict__)


@dataclass
class Row:
    """One (workload, preset): every engine's result, best peer, ratio and targets."""

    workload: str
    preset: str
    engines: dict[str, EngineResult] = field(default_factory=dict)
    best_peer: str | None = None
    ratio: float | None = None
    targets: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "workload": self.workload,
            "preset": self.preset,
            "best_peer": self.best_peer,
            "best_peer_median_s": self.engines[self.best_peer].median_s if self.best_peer else None,
            "ratio": self.ratio,
            "targets": self.targets,
            "engines": {k: v.to_json() for k, v in self.engines.items()},
        }


def fmt_time(s: float | None) -> str:
    """Seconds as a short human figure (ns/µs/ms/s)."""
    if s is None:
        return "—"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1.0:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def fmt_mb(mb: float | None) -> str:
    """MiB figure."""
    return "—" if mb is None else f"{mb:.0f} MB"


# ----------------------------------------------------------------------------- discovery


def find_shared(override: Path | None) -> Path:
    """The shared/bench directory, or exit with a clear message."""
    path = override if override is not None else SHARED_BENCH
    if not (path / "workloads").is_dir() or not (path / "numpy_impl.py").is_file():
        sys.exit(
            f"bench: shared benchmark files not found at {path}\n"
            f"  expected {path}/workloads/w*.py, numpy_impl.py and jax_impl.py "
            "(the project's shared/ folder beside the repository; or pass --shared DIR)"
        )
    return path


def copy_shared(src: Path, dst: Path) -> Path:
    """Copy the workloads and peer implementations into a scratch directory for this run."""
    out = dst / "bench"
    (out / "workloads").mkdir(parents=True)
    for f in sorted((src / "workloads").glob("*.py")):
        shutil.copyfile(f, out / "workloads" / f.name)
    for name in ("numpy_impl.py", "jax_impl.py", "README.md"):
        if (src / name).is_file():
            shutil.copyfile(src / name, out / name)
    return out


def read_presets(path: Path) -> tuple[list[str], str]:
    """PRESETS keys and DEFAULT of a workload file, read with ast (no import of tensorflow)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    presets: list[str] = []
    default = ""
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name == "PRESETS":
                presets = list(ast.literal_eval(node.value))
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
    shared: Path,
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
        "--shared", str(shared),
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


def evaluate_targets(row: Row) -> None:
    """Best peer, ratio, and each target's value/met (README peer figures as fallback, marked)."""
    g = row.engines.get("gradc")
    peers = {k: v for k, v in row.engines.items() if k != "gradc" and v.status == "ok" and v.median_s}
    if peers:
        row.best_peer = min(peers, key=lambda k: peers[k].median_s or float("inf"))
        if g is not None and g.status == "ok" and g.median_s:
            row.ratio = g.median_s / (peers[row.best_peer].median_s or float("nan"))
    for t in TARGETS.get((row.workload, row.preset), ()):
        entry: dict[str, Any] = {
            "label": t.label(),
            "kind": t.kind,
            "limit": t.limit,
            "value": None,
            "met": None,
            "basis": "",
        }
        if g is not None and g.status == "ok":
            if t.kind == "abs":
                entry["value"] = g.median_s
            elif t.kind == "cold":
                entry["value"] = g.cold_s
            elif t.kind == "rss":
                entry["value"] = g.rss_mb
            else:
                readme_peer, readme_fig = README_PEER[(row.workload, row.preset)]
                if t.peer == "best" and row.best_peer is not None and readme_peer in peers:
                    ref, basis = peers[row.best_peer].median_s, f"measured {row.best_peer}"
                elif t.peer == "best" and row.best_peer and (peers[row.best_peer].median_s or 0) < readme_fig:
                    ref, basis = peers[row.best_peer].median_s, f"measured {row.best_peer}"
                elif t.peer in peers:
                    ref, basis = peers[t.peer].median_s, f"measured {t.peer}"
                else:  # the target's peer (or the README's best) was not measured in this run
                    ref, basis = readme_fig, f"README {readme_peer} {fmt_time(readme_fig)}"
                entry["basis"] = basis
                entry["value"] = (g.median_s or 0.0) / ref if ref else None
            if entry["value"] is not None:
                entry["met"] = bool(entry["value"] <= t.limit)
        row.targets.append(entry)


# ----------------------------------------------------------------------------- output


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """An aligned text table."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def main_table(rows: Sequence[Row]) -> str:
    """The summary table: gradc figures, best peer, ratio, targets."""
    body: list[list[str]] = []
    for r in rows:
        g = r.engines.get("gradc")
        ok = g is not None and g.status == "ok"
        best = f"{r.best_peer} {fmt_time(r.engines[r.best_peer].median_s)}" if r.best_peer else "—"
        met: list[str] = []
        for t in r.targets:
            mark = "*" if str(t["basis"]).startswith("README") else ""
            met.append("?" if t["met"] is None else ("yes" if t["met"] else "NO") + mark)
            if t["kind"] == "ratio" and t["value"] is not None:
                met[-1] += f" ({t['value']:.2f}×)"
        err = "—"
        if ok and g is not None and g.max_rel_err is not None:
            err = f"{g.max_rel_err:.1e}"
        body.append(
            [
                SHORT.get(r.workload, r.workload),
                r.preset,
                fmt_time(g.cold_s) if ok and g else "ERROR",
                fmt_time(g.median_s) if ok and g else "ERROR",
                fmt_mb(g.rss_mb) if ok and g else "—",
                err,
                best,
                f"{r.ratio:.2f}×" if r.ratio is not None else "—",
                "; ".join(t["label"] for t in r.targets) or "—",
                "; ".join(met) or "—",
            ]
        )
    headers = [
        "workload",
        "preset",
        "gradc cold",
        "gradc median",
        "gradc RSS",
        "rel err",
        "best peer",
        "ratio",
        "target",
        "met?",
    ]
    return table(headers, body, [False, False, True, True, True, True, False, True, False, False])


def details_table(rows: Sequence[Row], engines: Sequence[str]) -> str:
    """Every engine's cold / median / RSS / error per row."""
    body: list[list[str]] = []
    for r in rows:
        for e in engines:
            res = r.engines.get(e)
            if res is None:
                continue
            if res.status == "ok":
                err = "—" if res.max_rel_err is None else f"{res.max_rel_err:.1e}"
                body.append(
                    [
                        SHORT.get(r.workload, r.workload),
                        r.preset,
                        e,
                        fmt_time(res.cold_s),
                        fmt_time(res.median_s),
                        fmt_mb(res.rss_mb),
                        err,
                        res.reason,
                    ]
                )
            else:
                body.append(
                    [SHORT.get(r.workload, r.workload), r.preset, e, "—", "—", "—", "—", f"{res.status}: {res.reason}"]
                )
    headers = ["workload", "preset", "engine", "cold", "median", "RSS", "rel err", "note"]
    return table(headers, body, [False, False, False, True, True, True, True, False])


def git_commit() -> str:
    """HEAD of the repository (plus '+dirty' when the tree has changes), or '?'."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "-uno"], cwd=REPO, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


# ----------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command line."""
    ap = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="1 process per engine, short timing, heavy peers skipped")
    ap.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="W[:PRESET]",
        help="restrict to workloads/presets (repeatable): w1, w5_chain, w5:n200",
    )
    ap.add_argument("--engines", default=",".join(ALL_ENGINES), help=f"comma list out of {','.join(ALL_ENGINES)}")
    ap.add_argument("--tf-python", default=None, help="interpreter with TensorFlow (else $GRADC_BENCH_TF_PYTHON)")
    ap.add_argument("--jax-python", default=None, help="interpreter with JAX (else $GRADC_BENCH_JAX_PYTHON)")
    ap.add_argument("--procs", type=int, default=None, help="fresh processes per measurement (default 3; --quick 1)")
    ap.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds of steady-state timing per process (default 1.0; --quick 0.3)",
    )
    ap.add_argument("--timeout", type=float, default=None, help="seconds per worker process (default 900; --quick 300)")
    ap.add_argument("--cpu", type=int, default=0, help="core to pin every worker to (-1: no pinning)")
    ap.add_argument("--shared", type=Path, default=None, help="shared/bench directory (default: beside the repo)")
    ap.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the JSON results")
    ap.add_argument("--details", action="store_true", help="also print every engine's figures")
    ap.add_argument("--tolerance", type=float, default=1e-3, help="max relative error of gradc vs numpy_impl")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the table; write JSON; non-zero exit on gradc failures."""
    ns = parse_args(argv)
    src = find_shared(ns.shared)
    engines = [e.strip() for e in ns.engines.split(",") if e.strip()]
    bad = [e for e in engines if e not in ALL_ENGINES]
    if bad:
        sys.exit(f"bench: unknown engine(s) {', '.join(bad)}; choose from {', '.join(ALL_ENGINES)}")
    plan = Plan(
        procs=ns.procs or (1 if ns.quick else 3),
        budget_s=ns.budget or (0.3 if ns.quick else 1.0),
        warmup_s=0.1 if ns.quick else 0.3,
        timeout_s=ns.timeout or (300.0 if ns.quick else 900.0),
    )
    pythons = resolve_engines(engines, ns.tf_python, ns.jax_python)
    env = worker_env()
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="gradc-bench-") as tmp:
        shared = copy_shared(src, Path(tmp))
        workloads = {f.stem: read_presets(f)[0] for f in sorted((shared / "workloads").glob("w*.py"))}
        pairs = select(workloads, ns.only)
        jobs = [(w, p, e) for w, p in pairs for e in engines]
        done = 0
        for w, p in pairs:
            row = Row(workload=w, preset=p)
            for e in engines:
                python, why = pythons[e]
                res = EngineResult(engine=e, python=python or "")
                done += 1
                if python is None:
                    res.reason = why
                elif ns.quick and e not in ("gradc", "numpy") and (w, p) in HEAVY:
                    res.reason = "skipped in --quick (heavy preset)"
                else:
                    procs = []
                    for i in range(plan.procs):
                        print(
                            f"[{done}/{len(jobs)}] {w}:{p} {e} ({i + 1}/{plan.procs}) ...",
                            end=" ",
                            file=sys.stderr,
                            flush=True,
                        )
                        r = run_worker(python, shared, w, p, e, plan, ns.cpu, env, Path(tmp))
                        msg = (
                            f"median {fmt_time(r.get('median_s'))}, cold {fmt_time(r.get('cold_s'))}"
                            if r.get("ok")
                            else f"FAILED: {r.get('error')}"
                        )
                        print(f"{msg} [{r.get('wall_s', 0.0):.1f} s]", file=sys.stderr, flush=True)
                        procs.append(r)
                    res = aggregate(e, python, procs)
                row.engines[e] = res
            evaluate_targets(row)
            rows.append(row)

    elapsed = time.perf_counter() - started
    mode = "quick" if ns.quick else "full"
    print(f"\ngradc benchmarks ({mode}: {plan.procs} process(es) per figure, pinned to CPU {ns.cpu}, {elapsed:.0f} s)")
    print(main_table(rows))
    print(
        "ratio = gradc median / best peer median (measured in this run); "
        "* = target judged against the shared README's peer figure (peer not measured)"
    )
    skipped = sorted({f"{e}: {pythons[e][1]}" for e in engines if pythons[e][0] is None})
    for s in skipped:
        print(f"— {s}")
    if ns.details:
        print()
        print(details_table(rows, engines))

    failures: list[str] = []
    for r in rows:
        g = r.engines.get("gradc")
        if g is None:
            continue
        if g.status != "ok":
            failures.append(f"{r.workload}:{r.preset}: {g.reason}")
        elif g.max_rel_err is not None and not g.max_rel_err <= ns.tolerance:
            failures.append(
                f"{r.workload}:{r.preset}: wrong result, max rel err {g.max_rel_err:.3g} > {ns.tolerance:g}"
            )
    for r in rows:
        for e, res in r.engines.items():
            if e != "gradc" and res.status == "error":
                print(f"note: {e} failed on {r.workload}:{r.preset}: {res.reason}")

    doc = {
        "meta": {
            "mode": mode,
            "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "git": git_commit(),
            "host": platform.node(),
            "machine": platform.machine(),
            "cpu_pinned": ns.cpu,
            "procs": plan.procs,
            "budget_s": plan.budget_s,
            "warmup_s": plan.warmup_s,
            "elapsed_s": elapsed,
            "engines": {e: {"python": pythons[e][0], "unavailable": pythons[e][1]} for e in engines},
            "shared": str(src),
        },
        "rows": [r.to_json() for r in rows],
        "failures": failures,
    }
    ns.json.parent.mkdir(parents=True, exist_ok=True)
    ns.json.write_text(json.dumps(doc, indent=1, default=str) + "\n")
    print(f"JSON: {ns.json}")
    if failures:
        print("gradc FAILED on:", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
