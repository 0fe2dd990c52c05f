"""Test-wide settings: every function a test compiles is verified; the conformance corpus.

GRADC_VERIFY=1 makes gradc check, for each compiled function, that its IR text round-trips
(print(parse(print(f))) == print(f)) and that every native call agrees with the NumPy reference
interpreter.

The TF conformance corpus is the project's own copy in tests/conformance (plus an extra source
when present, see tests/corpus_sources.py). That helper module is registered here as
`corpus_sources`, so test modules import it by name (tests/ is not a package and pytest's
importlib mode puts nothing on sys.path).
"""

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

os.environ["GRADC_VERIFY"] = "1"


def _register_corpus_sources() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_sources", Path(__file__).with_name("corpus_sources.py"))
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["corpus_sources"] = mod  # dataclasses look their module up while it executes
    spec.loader.exec_module(mod)
    return mod


corpus_sources = _register_corpus_sources()


@pytest.fixture(scope="session")
def corpus_lib() -> ModuleType:
    """The conformance corpus_lib (the project's copy in tests/conformance; never skipped)."""
    return corpus_sources.load_corpus_lib()
