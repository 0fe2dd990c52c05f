"""One benchmark measurement in a fresh process: a workload, a preset, an engine.

Run by ``bench/run.py`` as ``python bench/worker.py --suite DIR --workload w1_dispatch
--preset seed --engine gradc`` (possibly under another interpreter, e.g. one that has
TensorFlow or JAX), pinned to one core. It prints one JSON object on the last line of stdout.

What is measured, in this order:

1. import of the engine and of the workload module (timed separately, *excluded* from cold);
2. ``cold``: building the step function (``make`` / ``jax.jit`` ...) plus the first call plus
   ``np.asarray`` on every output, i.e. trace + compile + first run;
3. ``median``: steady-state seconds per call, each call including ``np.asarray`` on every
   output. Calls are timed in batches sized so a batch lasts at least ``batch_min_s``; the
   number of batches adapts to a time budget; the figure is the median over batch means,
   with the garbage collector off (as ``timeit`` does);
4. peak RSS (``ru_maxrss``), read before the correctness check so the reference's
   temporaries do not count;
5. max relative error of the outputs against ``numpy_impl`` (the suite's reference); for a
   stateful workload (one with ``initial_state``, W6) the outputs of the first call followed by
   the whole state after it.

A gradc failure that is a TF feature gradc does not have yet (``module 'gradc...' has no
attribute 'X'``) is reported as ``unsupported`` with the feature, not as a harness error.

Only the standard library and NumPy are imported at module level, so this file runs under any
interpreter that has NumPy (gradc's venv, a TensorFlow venv, a JAX venv).
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib.util
import json
import os
import platform
import re
import resource
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

# Before NumPy's import: OpenBLAS reads its thread count once, when it loads. Run directly
# (not through run.py, which sets these for its subprocesses), the NumPy peer would otherwise
# start two BLAS threads fighting over the one pinned core.
for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_k, "1")

import numpy as np  # noqa: E402

ENGINES: tuple[str, ...] = ("gradc", "tensorflow", "tf-xla", "jax", "numpy")
"""tf-xla is TensorFlow with ``tf.function(jit_compile=True)`` (the workload file unchanged)."""

# Environment for single-threaded peers; run.py sets it for subprocesses, in-process use
# (tests) sets it here before any engine is imported.
SINGLE_THREAD_ENV: dict[str, str] = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu",
}

StepFn = Callable[..., Any]


def pin_to_cpu(cpu: int | None) -> list[int]:
    """Pin this process to one CPU (when given) and return the resulting affinity."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return []


def max_rss_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024.0 if sys.platform != "darwin" else kib / (1024.0 * 1024.0)


def load_module(path: Path, name: str) -> ModuleType:
    """Import a Python file under a private module name."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def as_outputs(result: Any) -> list[Any]:
    """Normalise a step's result to a flat list of outputs (tensors, arrays or scalars)."""
    if isinstance(result, (list, tuple)):
        flat: list[Any] = []
        for item in result:
            flat.extend(as_outputs(item))
        return flat
    return [result]


def call_materialised(fn: StepFn, args: Sequence[Any]) -> list[np.ndarray]:
    """One call with every output converted to NumPy (the unit that is timed)."""
    return [np.asarray(o) for o in as_outputs(fn(*args))]


def state_after(fn: StepFn) -> list[np.ndarray]:
    """Copies of a stateful step's ``.state`` (tf.Variables or arrays), [] for a pure step."""
    state = getattr(fn, "state", None)
    if state is None:
        return []
    return [np.array(v.numpy() if hasattr(v, "numpy") else v, copy=True) for v in state]


_MISSING_API = re.compile(r"module '(gradc(?:\.[\w.]+)?)' has no attribute '(\w+)'")


def unsupported_feature(engine: str, exc: BaseException) -> str | None:
    """``tf.X is not supported by gradc yet`` when gradc lacks the TF API a workload uses."""
    if engine != "gradc" or not isinstance(exc, AttributeError):
        return None
    m = _MISSING_API.search(str(exc))
    if m is None:
        return None
    module = "tf" + m.group(1).removeprefix("gradc").removeprefix(".api")
    return f"{module}.{m.group(2)} is not supported by gradc yet"


def engine_version(engine: str) -> str:
    """Version string of the engine (import already done by the caller)."""
    mod = {"gradc": "gradc", "tensorflow": "tensorflow", "tf-xla": "tensorflow", "jax": "jax", "numpy": "numpy"}[engine]
    m = sys.modules.get(mod)
    return str(getattr(m, "__version__", "?")) if m is not None else "?"


def import_engine(engine: str) -> None:
    """Import the engine's framework (this time is excluded from the cold figure)."""
    if engine == "gradc":
        import gradc

        sys.modules["tensorflow"] = gradc  # the workload files say `import tensorflow as tf`
    elif engine in ("tensorflow", "tf-xla"):
        import tensorflow as tf

        try:
            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:
            pass  # already initialised (in-process reuse); env vars cover it
        if engine == "tf-xla":
            tf.function = functools.partial(tf.function, jit_compile=True)
    elif engine == "jax":
        import jax

        jax.config.update("jax_platforms", "cpu")
    elif engine != "numpy":
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if engine in ("jax", "numpy"):
        # The workload file is loaded only for PRESETS/inputs/cost; its `import tensorflow`
        # must neither pull in a real TensorFlow (RSS, time) nor fail where there is none.
        sys.modules["tensorflow"] = _TensorFlowStub("tensorflow")


class _TensorFlowStub(ModuleType):
    """Placeholder for `tensorflow` under the jax/numpy engines; any use is an error."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise RuntimeError(f"tensorflow.{name} used under a non-TF engine (bench stub)")


def step_factory(engine: str, suite: Path, workload: str, wl: ModuleType) -> Callable[..., StepFn]:
    """The function that builds the step (its call is part of the cold figure).

    gradc/tensorflow use the workload file's own ``make`` (its ``import tensorflow`` was resolved
    by the engine); jax/numpy use the suite's ``jax_impl.py`` / ``numpy_impl.py``, given the
    workload's ``initial_state`` as ``state=`` when it has one (stateful protocol, W6).
    """
    if engine in ("gradc", "tensorflow", "tf-xla"):
        return wl.make  # type: ignore[no-any-return]
    impl = "jax_impl" if engine == "jax" else "numpy_impl"
    mod = load_module(suite / f"{impl}.py", f"_bench_{impl}")
    factory: Callable[..., StepFn] = getattr(mod, workload)
    if hasattr(wl, "initial_state"):
        return lambda **params: factory(state=wl.initial_state(**params), **params)
    return factory


def steady_state(
    fn: StepFn,
    args: Sequence[Any],
    *,
    budget_s: float,
    warmup_s: float,
    batch_min_s: float,
    min_batches: int,
    max_batches: int,
) -> dict[str, Any]:
    """Adaptive steady-state timing; returns median seconds per call and the sampling plan."""
    # warm-up: at least 2 calls, and until warmup_s has passed
    t_start = time.perf_counter()
    n_warm = 0
    while n_warm < 2 or time.perf_counter() - t_start < warmup_s:
        call_materialised(fn, args)
        n_warm += 1
    per_call = (time.perf_counter() - t_start) / n_warm
    batch = max(1, int(batch_min_s / max(per_call, 1e-9)))
    n_batches = int(budget_s / max(per_call * batch, 1e-9))
    n_batches = max(min_batches, min(max_batches, n_batches))
    means: list[float] = []
    gc.collect()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        perf = time.perf_counter
        for _ in range(n_batches):
            t0 = perf()
            for _ in range(batch):
                call_materialised(fn, args)
            means.append((perf() - t0) / batch)
    finally:
        if gc_was_enabled:
            gc.enable()
    return {
        "median_s": statistics.median(means),
        "min_s": min(means),
        "max_s": max(means),
        "batches": n_batches,
        "calls_per_batch": batch,
        "warmup_calls": n_warm,
    }


def max_rel_error(got: Sequence[np.ndarray], ref: Sequence[np.ndarray]) -> float:
    """max over outputs of max|got - ref| / max(max|ref|, tiny); inf on a shape mismatch."""
    if len(got) != len(ref):
        return float("inf")
    worst = 0.0
    for g, r in zip(got, ref):
        g64 = np.asarray(g, dtype=np.float64)
        r64 = np.asarray(r, dtype=np.float64)
        if g64.size != r64.size:
            return float("inf")
        g64 = g64.reshape(r64.shape)
        scale = max(float(np.max(np.abs(r64))) if r64.size else 0.0, 1e-30)
        err = float(np.max(np.abs(g64 - r64))) / scale if r64.size else 0.0
        if not np.isfinite(err):
            return float("inf")
        worst = max(worst, err)
    return worst


def measure(
    *,
    suite: Path,
    workload: str,
    preset: str,
    engine: str,
    cpu: int | None = 0,
    budget_s: float = 1.0,
    warmup_s: float = 0.2,
    batch_min_s: float = 2e-3,
    min_batches: int = 5,
    max_batches: int = 200,
    check: bool = True,
) -> dict[str, Any]:
    """Measure one (workload, preset, engine) in this process and return a JSON-able dict.

    Never raises for a workload failure: the dict then has ``ok: False`` and ``error``.
    """
    for key, value in SINGLE_THREAD_ENV.items():
        os.environ.setdefault(key, value)
    result: dict[str, Any] = {
        "workload": workload,
        "preset": preset,
        "engine": engine,
        "ok": False,
        "python": sys.executable,
        "python_version": platform.python_version(),
        "pid": os.getpid(),
    }
    stage = "pin"
    try:
        result["affinity"] = pin_to_cpu(cpu)
        stage = "import engine"
        t0 = time.perf_counter()
        import_engine(engine)
        result["import_engine_s"] = time.perf_counter() - t0
        result["engine_version"] = engine_version(engine)
        stage = "load workload"
        t0 = time.perf_counter()
        wl = load_module(suite / "workloads" / f"{workload}.py", f"_bench_wl_{workload}")
        presets: dict[str, dict[str, Any]] = wl.PRESETS
        if preset not in presets:
            raise KeyError(f"{workload} has no preset {preset!r}; presets: {', '.join(presets)}")
        params = dict(presets[preset])
        args = list(wl.inputs(**params))
        result["cost"] = wl.cost(**params)
        factory = step_factory(engine, suite, workload, wl)
        result["import_workload_s"] = time.perf_counter() - t0
        result["rss_before_cold_mb"] = max_rss_mb()
        stage = "cold (trace + compile + first call)"
        gc.collect()
        t0 = time.perf_counter()
        fn = factory(**params)
        first = call_materialised(fn, args)
        result["cold_s"] = time.perf_counter() - t0
        stateful = hasattr(wl, "initial_state")
        after_first = first + state_after(fn) if stateful else first  # before later calls train on
        stage = "steady state"
        result.update(
            steady_state(
                fn,
                args,
                budget_s=budget_s,
                warmup_s=warmup_s,
                batch_min_s=batch_min_s,
                min_batches=min_batches,
                max_batches=max_batches,
            )
        )
        result["rss_peak_mb"] = max_rss_mb()
        result["outputs"] = [{"shape": list(o.shape), "dtype": str(o.dtype)} for o in first]
        if check:
            stage = "correctness check"
            ref_mod = load_module(suite / "numpy_impl.py", "_bench_numpy_ref")
            ref_step = getattr(ref_mod, workload)
            if stateful:
                ref_step = functools.partial(ref_step, state=wl.initial_state(**params))
            ref_fn = ref_step(**params)
            ref = call_materialised(ref_fn, args) + (state_after(ref_fn) if stateful else [])
            result["max_rel_err"] = max_rel_error(after_first, ref)
        result["ok"] = True
    except BaseException as exc:  # noqa: BLE001 - a failing workload is a result, not a crash
        if isinstance(exc, KeyboardInterrupt):
            raise
        result["error"] = f"{stage}: {type(exc).__name__}: {exc}".strip()
        missing = unsupported_feature(engine, exc)
        if missing:
            result["unsupported"] = missing
        result["traceback"] = traceback.format_exc(limit=12)
        result["rss_peak_mb"] = max_rss_mb()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry: measure once, print the JSON result as the last stdout line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", "--shared", dest="suite", type=Path, required=True,
                    help="the suite directory (workloads/, numpy_impl.py, jax_impl.py; bench/ itself)")
    ap.add_argument("--workload", required=True, help="e.g. w1_dispatch")
    ap.add_argument("--preset", required=True, help="e.g. seed, 1e6, n200")
    ap.add_argument("--engine", required=True, choices=ENGINES)
    ap.add_argument("--cpu", type=int, default=0, help="core to pin to (-1: do not pin)")
    ap.add_argument("--budget", type=float, default=1.0, help="seconds of steady-state timing")
    ap.add_argument("--warmup", type=float, default=0.2, help="seconds of warm-up calls")
    ap.add_argument("--batch-min", type=float, default=2e-3, help="minimum seconds per timed batch")
    ap.add_argument("--min-batches", type=int, default=5)
    ap.add_argument("--max-batches", type=int, default=200)
    ap.add_argument("--no-check", action="store_true", help="skip the numpy_impl correctness check")
    ns = ap.parse_args(argv)
    res = measure(
        suite=ns.suite,
        workload=ns.workload,
        preset=ns.preset,
        engine=ns.engine,
        cpu=None if ns.cpu < 0 else ns.cpu,
        budget_s=ns.budget,
        warmup_s=ns.warmup,
        batch_min_s=ns.batch_min,
        min_batches=ns.min_batches,
        max_batches=ns.max_batches,
        check=not ns.no_check,
    )
    sys.stdout.flush()
    print(json.dumps(res, default=str))
    return 0 if res["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
