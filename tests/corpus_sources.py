"""Where the TF conformance corpus comes from: the project's own copy, plus an optional extra source.

`tests/conformance` is the project's copy of the conformance corpus (cases, TF 2.21 goldens and
their `corpus_lib.py`); it is always there, so a bare clone runs every case. An extra source
is used *as well* when named by `$GRADC_CONFORMANCE_DIR` (e.g. `../shared/conformance`; CI's
ratchet reports that one's own result for information). From it come the cases the copy
lacks (a held-out split, newer cases) and
those whose case file or golden differs from the copy; cases identical to the copy run once.
Both are compared by the copy's `corpus_lib` (`load_corpus_lib`), with the rules of its
README. Used by tests/conftest.py, tests/test_conformance.py and tests/test_tf_corpus.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENDORED = ROOT / "tests" / "conformance"
ENV = "GRADC_CONFORMANCE_DIR"


@dataclass(frozen=True)
class Case:
    """One conformance case: its program and the golden TF recorded for it."""

    split: str
    name: str
    path: Path
    golden: Path
    source: str  # "vendored" or "extra"

    @property
    def id(self) -> str:
        """Test id: `public/001_x` for the copy, `extra:heldout/001_x` for the extra source."""
        tag = "" if self.source == "vendored" else "extra:"
        return f"{tag}{self.split}/{self.name}"


def extra_source() -> Path | None:
    """The extra corpus directory named by `$GRADC_CONFORMANCE_DIR`, if any.

    A directory named by the variable is returned even when it is not a corpus, so that a
    mistyped path fails (`check_extra_source`) instead of silently running nothing extra.
    """
    given = os.environ.get(ENV)
    if not given:
        # ../shared/conformance beside a checkout is not run by the tests unless named: a case
        # added there later (a held-out split) must not fail the project's own suite; CI's
        # ratchet reports that corpus's result for information.
        return None
    path = Path(given)
    if path.resolve() == VENDORED.resolve():
        return None
    return path


def check_extra_source(path: Path | None) -> str | None:
    """None when there is no extra source or it looks like a corpus; else what is wrong."""
    if path is None or (path / "cases").is_dir():
        return None
    return f"${ENV}={path} is not a conformance corpus (no cases/ directory in it)"


def list_cases(corpus: Path, source: str) -> list[Case]:
    """Every `cases/<split>/*.py` of a corpus directory, with its `golden/<split>/<case>.json`."""
    found: list[Case] = []
    cases = corpus / "cases"
    if not cases.is_dir():
        return found
    for split_dir in sorted(p for p in cases.iterdir() if p.is_dir()):
        for path in sorted(split_dir.glob("*.py")):
            if path.name.startswith("_"):
                continue
            golden = corpus / "golden" / split_dir.name / f"{path.stem}.json"
            found.append(Case(split_dir.name, path.stem, path, golden, source))
    return found


def _same(a: Path, b: Path) -> bool:
    return a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()


def cases(extra: Path | None = None, *, use_extra: bool = True) -> list[Case]:
    """The copy's cases, then the extra source's cases that are new or differ from the copy.

    `extra` defaults to `extra_source()`; `use_extra=False` gives the copy's cases only.
    """
    own = list_cases(VENDORED, "vendored")
    if not use_extra:
        return own
    extra = extra if extra is not None else extra_source()
    if extra is None:
        return own
    mine = {(c.split, c.name): c for c in own}
    more = []
    for c in list_cases(extra, "extra"):
        twin = mine.get((c.split, c.name))
        if twin is None or not (_same(c.path, twin.path) and _same(c.golden, twin.golden)):
            more.append(c)
    return own + more


def load_corpus_lib() -> ModuleType:
    """The copy's corpus_lib.py (loader, encoder, comparator; NumPy only), imported once."""
    name = "gradc_tests_corpus_lib"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, VENDORED / "corpus_lib.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def mismatch(lib: ModuleType, golden: dict[str, Any], res: dict[str, Any]) -> str | None:
    """Why a run (`lib.run_case`'s result) disagrees with its golden, or None (check.py's rules)."""
    err = res["error"]
    if res.get("import_failed"):
        return f"import failed: {err['type']}: {err['message'][:300]}"
    if golden["error"] is not None:
        want = golden["error"]["type"]
        if err is None:
            return f"expected {want}, but f returned normally"
        if want not in err["mro"]:
            return f"expected {want}, got {err['type']}: {err['message'][:300]}"
    else:
        if err is not None:
            return f"raised {err['type']}: {err['message'][:300]}"
        reason = lib.compare(golden["output"], res["output"])
        if reason is not None:
            return str(reason)
    if golden.get("prints"):
        want_names = golden.get("printed_names") or []
        got_names = lib.printed_tensor_names(res["stdout"])
        if got_names != want_names:
            return f"printed tensor names differ: expected {want_names}, got {got_names}:\n{res['stdout']}"
    return None


def run_and_compare(lib: ModuleType, case: Case) -> str | None:
    """Run one case under whatever module is `sys.modules['tensorflow']`; None when it matches."""
    if not case.golden.is_file():
        return f"no golden file {case.golden}"
    golden = json.loads(case.golden.read_text())
    res = lib.run_case(case.split, case.name, str(case.path))
    return mismatch(lib, golden, res)
