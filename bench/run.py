"""Benchmark driver: gradc against TensorFlow, TF+XLA, JAX and NumPy on the benchmark workloads.

Usage (from the repository root)::

    .venv/bin/python bench/run.py --quick            # `make bench`: a few minutes
    .venv/bin/python bench/run.py                    # `make bench-full`
    .venv/bin/python bench/run.py --only w1 --only w5:n200 --tf-python /path/to/tf/python

The workloads are the project's copy of the benchmark suite, in this directory
(``bench/workloads/``, ``bench/numpy_impl.py``, ``bench/jax_impl.py``; see bench/README.md), or
another copy named by ``--suite DIR`` (the run says so when ``../shared/bench`` beside the
repository differs from the copy measured). They are copied to a temporary directory at run
time. Every measurement is one fresh process (``bench/worker.py``)
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
  ~1.5 GB on 1e7) — their target rows then fall back to the peer figures of bench/README.md,
  marked ``*``.

A workload using a TF feature gradc does not support yet (W6 ``tf.Variable``, W7
``tf.nn.conv2d``, W9 t50_while ``tf.while_loop`` today) is shown as "unsupported" with the
feature; its peers are still measured.

Output: one aligned table on stdout (``--details`` adds a per-engine table) and JSON in
``bench/results/latest.json``. Exit status 1 when gradc fails on a workload or gives a wrong
result (max relative error > ``--tolerance``); targets not met and unsupported features do not
fail the run.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_JSON = HERE / "results" / "latest.json"

PEERS: tuple[str, ...] = ("tensorflow", "tf-xla", "jax", "numpy")
ALL_ENGINES: tuple[str, ...] = ("gradc", *PEERS)
HEAVY: frozenset[tuple[str, str]] = frozenset(
    {("w2_elementwise", "1e7"), ("w5_chain", "n1000"), ("w9_rnn_bptt", "t200")}
)
"""Rows whose peers other than numpy are skipped in --quick mode (TF+XLA/JAX cold-compile
W5 n1000 in 5-17 s and W9 t200 in 7-9 s; TF needs ~1.5 GB on W2 1e7)."""

# bench/ is a folder of scripts, not a package: its modules import each other as top-level
# modules, so bench/ goes on sys.path meanwhile (run.py may be loaded from a file, as the tests do).
# Row, EngineResult, evaluate_targets and main_table stay importable from here (tests use them).
sys.path.insert(0, str(HERE))
try:
    from launch import (
        Plan,
        aggregate,
        copy_suite,
        find_suite,
        other_suite_note,
        read_presets,
        resolve_engines,
        run_worker,
        select,
        worker_env,
    )
    from table import EngineResult, Row, details_table, evaluate_targets, fmt_time, main_table
finally:
    sys.path.pop(0)


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
    ap.add_argument("--suite", "--shared", dest="suite", type=Path, default=None,
                    help="benchmark suite directory with workloads/, numpy_impl.py, jax_impl.py (default: bench/)")
    ap.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the JSON results")
    ap.add_argument("--details", action="store_true", help="also print every engine's figures")
    ap.add_argument("--tolerance", type=float, default=1e-3, help="max relative error of gradc vs numpy_impl")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the table; write JSON; non-zero exit on gradc failures."""
    ns = parse_args(argv)
    src = find_suite(ns.suite)
    note = other_suite_note(src)
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
        suite = copy_suite(src, Path(tmp))
        workloads = {f.stem: read_presets(f)[0] for f in sorted((suite / "workloads").glob("w*.py"))}
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
                        r = run_worker(python, suite, w, p, e, plan, ns.cpu, env, Path(tmp))
                        msg = (
                            f"median {fmt_time(r.get('median_s'))}, cold {fmt_time(r.get('cold_s'))}"
                            if r.get("ok")
                            else f"unsupported: {r['unsupported']}"
                            if r.get("unsupported")
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
        "* = target judged against bench/README.md's peer figure (peer not measured)"
    )
    skipped = sorted({f"{e}: {pythons[e][1]}" for e in engines if pythons[e][0] is None})
    for s in skipped:
        print(f"— {s}")
    for r in rows:
        g = r.engines.get("gradc")
        if g is not None and g.status == "unsupported":
            print(f"— gradc on {r.workload}:{r.preset}: unsupported ({g.reason}); peers measured")
    if note:
        print(note)
    if ns.details:
        print()
        print(details_table(rows, engines))

    failures: list[str] = []
    for r in rows:
        g = r.engines.get("gradc")
        if g is None or g.status == "unsupported":
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
            "suite": str(src),
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
