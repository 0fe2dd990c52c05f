"""Smoke test of the benchmark harness: W1 under gradc only, tiny repeat counts, JSON shape;
the stateful protocol (W6 under the NumPy peer), unsupported features, the suite's copy.

No timing assertions. The suite is the project's copy in bench/ (never skipped).
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
SUITE = REPO / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    sys.path.insert(0, str(REPO / "bench"))  # bench/ modules import their siblings (table, worker)
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(REPO / "bench"))
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
        "--suite", str(SUITE),
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


def _worker(workload: str, preset: str, engine: str) -> dict[str, object]:
    cmd = [
        sys.executable, str(REPO / "bench" / "worker.py"), "--suite", str(SUITE),
        "--workload", workload, "--preset", preset, "--engine", engine, "--cpu", "-1",
        "--budget", "0.02", "--warmup", "0.01", "--min-batches", "2", "--max-batches", "3",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    res: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return res


def test_the_suite_is_in_the_repository() -> None:
    launch = _load("launch")
    assert launch.find_suite(None) == SUITE
    names = sorted(launch.suite_files(SUITE))
    workloads = ("w1_dispatch", "w2_elementwise", "w3_mlp", "w4_logreg", "w5_chain", "w6_train_step",
                 "w7_cnn_saliency", "w8_pinn", "w9_rnn_bptt")
    assert names == ["jax_impl.py", "numpy_impl.py"] + [f"workloads/{w}.py" for w in workloads]


def test_other_suite_note(tmp_path: Path) -> None:
    launch = _load("launch")
    copy = launch.copy_suite(SUITE, tmp_path)
    assert launch.other_suite_note(SUITE, copy) is None  # identical copy: nothing to say
    (copy / "workloads" / "w10_new.py").write_text("PRESETS = {}\n")
    note = launch.other_suite_note(SUITE, copy)
    assert note is not None and "workloads/w10_new.py" in note and f"--suite {copy}" in note
    assert launch.other_suite_note(SUITE, tmp_path / "absent") is None


def test_stateful_workload_under_the_numpy_peer() -> None:
    """W6 (tf.Variable state): the peer gets initial_state, the check covers loss + 13 state arrays."""
    res = _worker("w6_train_step", "b128", "numpy")
    assert res["ok"] is True, res.get("error")
    assert res["outputs"] == [{"shape": [], "dtype": "float32"}]
    assert res["max_rel_err"] == 0.0


def test_missing_tf_feature_is_unsupported_not_an_error() -> None:
    worker = _load("worker")
    nn = AttributeError("in user code:\n  ...\n  AttributeError: module 'gradc.api.nn' has no attribute 'conv2d'")
    assert worker.unsupported_feature("gradc", nn) == "tf.nn.conv2d is not supported by gradc yet"
    top = AttributeError("module 'gradc' has no attribute 'Variable'")
    assert worker.unsupported_feature("gradc", top) == "tf.Variable is not supported by gradc yet"
    assert worker.unsupported_feature("gradc", AttributeError("'Tensor' object has no attribute 'x'")) is None
    assert worker.unsupported_feature("gradc", ValueError("module 'gradc' has no attribute 'x'")) is None
    assert worker.unsupported_feature("numpy", top) is None

    launch = _load("launch")
    res = launch.aggregate("gradc", sys.executable, [{"ok": False, "error": "e", "unsupported": "tf.X is not ..."}])
    assert (res.status, res.reason) == ("unsupported", "tf.X is not ...")
    assert launch.aggregate("gradc", sys.executable, [{"ok": False, "error": "boom"}]).status == "error"
    run = _load("run")
    row = run.Row(workload="w7_cnn_saliency", preset="b32")
    row.engines["gradc"] = res
    row.engines["numpy"] = run.EngineResult("numpy", status="ok", median_s=2e-2, cold_s=1e-2, rss_mb=40.0)
    run.evaluate_targets(row)
    text = run.main_table([row])
    assert "W7 cnn saliency" in text and "unsupported" in text and "ERROR" not in text


def test_presets_are_read_without_importing() -> None:
    """Preset names of every workload, computed preset values included (W9's `dict(_BASE, ...)`)."""
    launch = _load("launch")
    presets = {f.stem: launch.read_presets(f) for f in sorted((SUITE / "workloads").glob("w*.py"))}
    assert presets["w9_rnn_bptt"] == (["t50", "t200", "t50_while"], "t50")
    assert presets["w5_chain"] == (["n200", "n1000"], "n200")
    assert len(presets) == 9 and all(p and d in p for p, d in presets.values())
