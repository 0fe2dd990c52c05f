"""The TF conformance corpus under gradc: every case must match what TensorFlow 2.21 recorded.

The cases are the project's copy in tests/conformance (106 public cases); when an extra source
is named by $GRADC_CONFORMANCE_DIR (e.g. ../shared/conformance), its cases that the copy lacks or
has in another version run too, with ids `extra:<split>/<case>` (tests/corpus_sources.py).
The comparison rules are corpus_lib's (tests/conformance/README.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import corpus_sources
import pytest

import gradc

CASES = corpus_sources.cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_matches_tensorflow(case: corpus_sources.Case, corpus_lib, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tensorflow", gradc)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    reason = corpus_sources.run_and_compare(corpus_lib, case)
    assert reason is None, f"{case.path}: {reason}"


def test_the_copy_is_complete() -> None:
    """106 public cases, each with a golden recorded from TensorFlow 2.21, and the harness."""
    own = corpus_sources.cases(use_extra=False)
    assert len([c for c in own if c.split == "public"]) == 106
    for c in own:
        assert c.golden.is_file(), c.golden
        golden = json.loads(c.golden.read_text())
        assert golden["tf_version"].startswith("2.21"), c.name
        assert golden["case"] == c.name and golden["split"] == c.split
    for name in ("corpus_lib.py", "check.py", "README.md"):
        assert (corpus_sources.VENDORED / name).is_file(), name


def test_extra_source_is_a_corpus() -> None:
    """A $GRADC_CONFORMANCE_DIR that is not a corpus is an error, not a silent no-op."""
    problem = corpus_sources.check_extra_source(corpus_sources.extra_source())
    assert problem is None, problem


def _write_case(corpus: Path, split: str, name: str, body: str, golden: str) -> None:
    (corpus / "cases" / split).mkdir(parents=True, exist_ok=True)
    (corpus / "golden" / split).mkdir(parents=True, exist_ok=True)
    (corpus / "cases" / split / f"{name}.py").write_text(body)
    (corpus / "golden" / split / f"{name}.json").write_text(golden)


def test_extra_source_adds_new_and_changed_cases_only(tmp_path: Path) -> None:
    own = corpus_sources.cases(use_extra=False)
    same, changed = own[0], own[1]
    _write_case(tmp_path, same.split, same.name, same.path.read_text(), same.golden.read_text())
    _write_case(tmp_path, changed.split, changed.name, changed.path.read_text(), changed.golden.read_text() + "\n")
    _write_case(tmp_path, "heldout", "900_new", "import tensorflow as tf\n", "{}")
    extra = corpus_sources.cases(tmp_path)
    assert extra[: len(own)] == own
    assert [c.id for c in extra[len(own) :]] == ["extra:heldout/900_new", f"extra:{changed.split}/{changed.name}"]
    assert corpus_sources.check_extra_source(tmp_path) is None
    assert "not a conformance corpus" in str(corpus_sources.check_extra_source(tmp_path / "nowhere"))


def test_a_wrong_result_is_reported(corpus_lib, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison can fail: a golden whose value is off names the difference."""
    case = next(c for c in corpus_sources.cases(use_extra=False) if c.name.startswith("001_"))
    golden = json.loads(case.golden.read_text())
    assert corpus_sources.mismatch(corpus_lib, golden, {"error": None, "output": golden["output"]}) is None
    tensor = golden["output"]
    while tensor.get("kind") != "tensor":
        tensor = tensor["items"][0]
    tensor["values"][0] = float(tensor["values"][0]) + 1.0
    monkeypatch.setitem(sys.modules, "tensorflow", gradc)
    bad = corpus_sources.Case(case.split, case.name, case.path, tmp_path / "g.json", "extra")
    bad.golden.write_text(json.dumps(golden))
    assert corpus_sources.run_and_compare(corpus_lib, bad) is not None
