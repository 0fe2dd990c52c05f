"""Smoke test of the benchmark harness: W1 under gradc only, tiny repeat counts, JSON shape.

No timing assertions; skipped when the shared benchmark files are not beside the repository.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench"

pytestmark = pytest.mark.skipif(
    not (SHARED / "workloads" / "w1_dispatch.py").is_file(), reason=f"shared benchmark files not at {SHARED}"
)


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def _check_result(res: dict[str, object]) -> None:
    assert res["ok"] is True, res.get("error")
    assert res["engine"] == "gradc" and res["workload"] == "w1_dispatch" and res["preset"] == "seed"
    for key in ("cold_s", "median_s", "min_s", "max_s", "rss_peak_mb", "import_engine_s", "max_rel_err"):
        assert isinstance(res[key], float), key
    assert isinstance(res["batches"], int) and isinstance(res["calls_per_batch"], int)
    assert res["outputs"] == [{"shape": [1, 2], "dtype": "float32"}]
    assert res["max_rel_err"] == 0.0
    json.dumps(res)


def test_worker_subprocess_w1_gradc() -> None:
    cmd = [
        sys.executable,
        str(REPO / "bench" / "worker.py"),
        "--shared", str(SHARED),
        "--workload", "w1_dispatch",
        "--preset", "seed",
        "--engine", "gradc",
        "--cpu", "-1",
        "--budget", "0.02",
        "--warmup", "0.01",
        "--min-batches", "3",
        "--max-batches", "5",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    _check_result(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_driver_targets_and_table() -> None:
    run = _load("run")
    row = run.Row(workload="w1_dispatch", preset="seed")
    row.engines["gradc"] = run.EngineResult("gradc", status="ok", median_s=1.5e-6, cold_s=0.5, rss_mb=40.0)
    row.engines["numpy"] = run.EngineResult("numpy", status="ok", median_s=1e-6, cold_s=1e-4, rss_mb=30.0)
    row.engines["jax"] = run.EngineResult("jax", reason="jax not installed")
    run.evaluate_targets(row)
    assert row.best_peer == "numpy" and row.ratio == pytest.approx(1.5)
    assert [t["met"] for t in row.targets] == [True, False]  # ≤2 µs met; cold ≤30 ms not
    doc = json.loads(json.dumps(row.to_json()))
    assert set(doc) >= {"workload", "preset", "best_peer", "ratio", "targets", "engines"}
    text = run.main_table([row])
    assert "W1 dispatch" in text and "numpy" in text and "1.50×" in text
