"""MLIR for the TF conformance programs verifies and runs through upstream MLIR with gradc's
native results (tools/mlir_conformance.py, checked by tools/mlir_check.py, the project's copy of
the independent checker). A representative subset runs in `make test`; the whole corpus is the
slow test (`pytest -m slow`)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import corpus_sources
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("gradc_tools_mlir_conformance", ROOT / "tools" / "mlir_conformance.py")
assert spec is not None and spec.loader is not None
mc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mc)

needs_tools = pytest.mark.skipif(
    shutil.which("mlir-opt-22") is None,
    reason="external tool not installed: mlir-opt-22 (make test installs mlir-22-tools when run as root)",
)
# The project's copy of the corpus, plus an extra source's new cases when present (corpus_sources).
ALL = corpus_sources.cases()
SUBSET = [c.path for c in corpus_sources.cases(use_extra=False)
          if c.name[:3] in ("045", "055", "075", "084", "089", "097", "101", "102")]


@needs_tools
@pytest.mark.parametrize("path", SUBSET, ids=lambda p: p.stem)
def test_mlir_subset(path: Path, tmp_path: Path) -> None:
    assert mc.check_case(path, tmp_path, "22", False) is None


@needs_tools
@pytest.mark.slow
@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_mlir_every_conformance_program(case: corpus_sources.Case, tmp_path: Path) -> None:
    assert mc.check_case(case.path, tmp_path, "22", False) is None
