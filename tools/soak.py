"""`make soak`: run gradc hard for a few minutes and report figures (not part of `make test`).

Three parts, each in its own subprocess so a native crash is reported, not fatal to the run:

- fuzz: the backend fuzzer (tests/fuzzprog.py), normal and special values, fresh seeds until
  the fuzz budget is spent; reports programs checked and any failure with its seed.
- threads: 8 threads make the first calls of 8 fresh compiled functions at once while 8 more
  call already compiled ones, round after round; every result must be an array equal to the
  single-threaded one.
- calls: one compiled function called 10^6 times (NumPy inputs, then gradc eager-tensor
  inputs); reports the per-call median and RSS before and after (growth means a leak).

    .venv/bin/python tools/soak.py [--minutes 4] [--rounds 1000] [--calls 1000000]

Exits non-zero if any part fails. The README keeps the figures of the last run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# -- parts, run in child processes (`tools/soak.py --part NAME`) -----------------------------------


def part_threads(rounds: int) -> dict[str, object]:
    """16 threads race on the first calls of 8 fresh functions, `rounds` times."""
    import threading

    import numpy as np

    import gradc as tf

    def make(k: int):  # eight different programs, so eight different compiles per round
        def f(x, y):
            z = x
            for _ in range(40):  # long enough that other threads run while it traces
                z = tf.tanh(z * float(k + 1)) + y
            return tf.reduce_sum(z * z), tf.gradients(tf.reduce_sum(tf.sin(z)), [x])[0]
        return f

    x = np.linspace(-1.0, 1.0, 17).astype(np.float32)
    y = np.linspace(0.5, 2.0, 17).astype(np.float32)
    want, warm = [], []
    for k in range(8):
        warm.append(tf.function(make(k)))
        s, g = warm[k](x, y)
        want.append((np.asarray(s), np.asarray(g)))

    bad: list[str] = []
    t0 = time.perf_counter()
    for r in range(rounds):
        fns = [tf.function(make(k)) for k in range(8)]
        barrier = threading.Barrier(16)

        def worker(i: int, fns=fns, barrier=barrier, r=r) -> None:
            # Threads 0-7 make the first calls (each traces and compiles one function); threads
            # 8-15 call already compiled functions meanwhile, which must never see those traces.
            k = i % 8
            barrier.wait()
            try:
                if i >= 8:
                    for _ in range(2000):
                        s, g = warm[k](x, y)
                        if not isinstance(s, np.ndarray):
                            break
                else:
                    s, g = fns[k](x, y)
                if not (isinstance(s, np.ndarray) and isinstance(g, np.ndarray)):
                    bad.append(f"round {r} thread {i}: got {type(s).__name__}, {type(g).__name__}")
                elif not (np.array_equal(s, want[k][0]) and np.array_equal(g, want[k][1])):
                    bad.append(f"round {r} thread {i}: values differ from the single-threaded run")
            except Exception as e:  # noqa: BLE001 - every failure is a finding
                bad.append(f"round {r} thread {i}: {type(e).__name__}: {e}")

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return {"rounds": rounds, "failures": len(bad), "first": bad[:5],
            "seconds": round(time.perf_counter() - t0, 1)}


def part_calls(calls: int) -> dict[str, object]:
    """`calls` calls of one compiled function with NumPy inputs, then with gradc tensors."""
    import gc

    import numpy as np

    import gradc as tf

    @tf.function
    def f(x, w):
        y = tf.tanh(x * w)
        return y, tf.gradients(tf.reduce_sum(y), [w])[0]

    out: dict[str, object] = {}
    for kind in ("numpy", "gradc.constant"):
        x = np.linspace(-1, 1, 64).astype(np.float32)
        w = np.float32(0.5) * np.ones(64, np.float32)
        if kind != "numpy":
            x, w = tf.constant(x), tf.constant(w)
        for _ in range(10_000):  # warm: compile, caches, allocator pools
            f(x, w)
        gc.collect()
        before = rss_mb()
        t0 = time.perf_counter()
        for _ in range(calls):
            f(x, w)
        dt = time.perf_counter() - t0
        gc.collect()
        after = rss_mb()
        out[kind] = {"calls": calls, "us_per_call": round(dt / calls * 1e6, 2),
                     "rss_before_mb": round(before, 1), "rss_after_mb": round(after, 1),
                     "growth_mb": round(after - before, 1)}
    return out


def run_part(name: str, *args: str, timeout: float) -> dict[str, object]:
    cmd = [sys.executable, str(Path(__file__)), "--part", name, *args]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if p.returncode != 0:
        return {"error": f"exit {p.returncode}: {(p.stderr or p.stdout).strip()[-800:]}"}
    return json.loads(p.stdout.strip().splitlines()[-1])


def fuzz(budget: float) -> dict[str, object]:
    """Fuzzer runs (normal and special values alternating) with fresh seeds until `budget` s."""
    t0, seed, programs, failures = time.perf_counter(), 1000 + int(time.time()) % 100_000, 0, []
    special = False
    while time.perf_counter() - t0 < budget:
        cmd = [sys.executable, str(ROOT / "tests" / "fuzzprog.py"), "--seed", str(seed), "--examples", "100"]
        if special:
            cmd.append("--special")
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if p.returncode == 0:
            programs += 100
        else:
            failures.append(f"seed {seed}{' --special' if special else ''}: exit {p.returncode}: "
                            f"{(p.stderr or p.stdout).strip().splitlines()[-1:]}")
        seed, special = seed + 1, not special
    return {"programs": programs, "failures": len(failures), "first": failures[:5],
            "seconds": round(time.perf_counter() - t0, 1)}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=4.0, help="fuzzing budget (the other parts add ~1-2 min)")
    ap.add_argument("--rounds", type=int, default=1000, help="thread-test rounds")
    ap.add_argument("--calls", type=int, default=1_000_000, help="calls for the RSS check")
    ap.add_argument("--part", help=argparse.SUPPRESS)
    ap.add_argument("arg", nargs="?", help=argparse.SUPPRESS)
    ns = ap.parse_args(argv)
    if ns.part:  # child process: one part, result as one JSON line
        result = part_threads(int(ns.arg)) if ns.part == "threads" else part_calls(int(ns.arg))
        print(json.dumps(result))
        return 0

    t0 = time.perf_counter()
    report = {"fuzz": fuzz(ns.minutes * 60),
              "threads": run_part("threads", str(ns.rounds), timeout=1800),
              "calls": run_part("calls", str(ns.calls), timeout=1800)}
    print(f"gradc soak ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {time.perf_counter() - t0:.0f} s)")
    fz = report["fuzz"]
    print(f"  fuzz:    {fz['programs']} programs in {fz['seconds']} s, {fz['failures']} failing runs")
    th = report["threads"]
    if "error" in th:
        print(f"  threads: ERROR {th['error']}")
    else:
        print(f"  threads: {th['rounds']} rounds x 16 threads (8 first calls, 8 x 2000 warm calls) "
              f"in {th['seconds']} s, {th['failures']} wrong or failed")
    cl = report["calls"]
    if "error" in cl:
        print(f"  calls:   ERROR {cl['error']}")
    else:
        for kind, r in cl.items():
            print(f"  calls:   {r['calls']} calls, {kind} inputs: {r['us_per_call']} us/call, "
                  f"RSS {r['rss_before_mb']} -> {r['rss_after_mb']} MB ({r['growth_mb']:+} MB)")
    ok = (fz["failures"] == 0 and "error" not in th and th["failures"] == 0 and "error" not in cl
          and all(r["growth_mb"] < 8 for r in cl.values()))
    for part in ("fuzz", "threads"):
        for line in report[part].get("first", []) if isinstance(report[part], dict) else []:
            print(f"    {part}: {line}")
    print("soak: OK" if ok else "soak: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
