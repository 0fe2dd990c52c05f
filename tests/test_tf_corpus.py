"""A second corpus of TF programs (tests/tf_corpus/cases) whose goldens were recorded from real
TensorFlow 2.21 by tests/tf_corpus/record.py: every case runs under gradc and must match,
compared by the conformance corpus_lib (the project's copy in tests/conformance)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import corpus_sources
import pytest

import gradc

ROOT = Path(__file__).resolve().parent / "tf_corpus"
CASES = sorted(p.stem for p in (ROOT / "cases").glob("*.py") if not p.name.startswith("_"))

# Known differences from TensorFlow (see the report in tests/tf_corpus/README.md).
# strict=True: when gradc is fixed the case XPASSes, fails, and its entry must be removed.
COND = "tf.cond is staged as both branches + selects (control_flow.py cond/_select), not an If op. "
KNOWN_FAILURES: dict[str, str] = {
    "090_cond_branch_shapes_differ": COND + "shape: branches of shapes () and (2,): gradc compiles static "
    "shapes and raises a clear ValueError; TF returns the taken branch's value with an unknown shape",
    "129_lambda_list_activations": "GradcSyntaxError: frontend/fence.py _lambda_is_argument rejects a lambda that "
    "is not a call argument (here in a list); staging_expr.e_lambdef already stages it (passes with the fence relaxed)",
}


def _params():
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[case])] if case in KNOWN_FAILURES else []
        yield pytest.param(case, marks=marks, id=case)


@pytest.mark.parametrize("case", list(_params()))
def test_case_matches_tensorflow(case: str, corpus_lib, monkeypatch: pytest.MonkeyPatch) -> None:
    golden = json.loads((ROOT / "golden" / f"{case}.json").read_text())
    monkeypatch.setitem(sys.modules, "tensorflow", gradc)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    res = corpus_lib.run_case("tf_corpus", case, str(ROOT / "cases" / f"{case}.py"))
    reason = corpus_sources.mismatch(corpus_lib, golden, res)
    assert reason is None, reason


def test_every_case_has_a_golden() -> None:
    assert len(CASES) >= 60
    missing = [c for c in CASES if not (ROOT / "golden" / f"{c}.json").exists()]
    assert not missing, missing
    stale = set(KNOWN_FAILURES) - set(CASES)
    assert not stale, stale
