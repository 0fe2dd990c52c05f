"""MLIR for the TF conformance programs verifies and runs through upstream MLIR with gradc's
native results (tools/mlir_conformance.py). A representative subset runs in `make test`; the
whole corpus is the slow test (`pytest -m slow`)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("gradc_tools_mlir_conformance", ROOT / "tools" / "mlir_conformance.py")
assert spec is not None and spec.loader is not None
mc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mc)

needs_tools = pytest.mark.skipif(
    not mc.CHECKER.exists() or shutil.which("mlir-opt-22") is None,
    reason="needs ../shared/tools/mlir_check.py and mlir-opt-22 (make test installs mlir-22-tools)",
)
ALL = sorted(mc.CASES.glob("*.py")) if mc.CASES.exists() else []
SUBSET = [p for p in ALL if p.name[:3] in ("045", "055", "075", "084", "089", "097", "101", "102")]


@needs_tools
@pytest.mark.parametrize("path", SUBSET, ids=lambda p: p.stem)
def test_mlir_subset(path: Path, tmp_path: Path) -> None:
    assert mc.check_case(path, tmp_path, "22", False) is None


@needs_tools
@pytest.mark.slow
@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_mlir_every_conformance_program(path: Path, tmp_path: Path) -> None:
    assert mc.check_case(path, tmp_path, "22", False) is None
