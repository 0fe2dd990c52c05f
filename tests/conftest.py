"""Test-wide settings: every function a test compiles is verified.

GRADC_VERIFY=1 makes gradc check, for each compiled function, that its IR text round-trips
(print(parse(print(f))) == print(f)) and that every native call agrees with the NumPy reference
interpreter.
"""

import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

os.environ["GRADC_VERIFY"] = "1"

# ../shared/conformance (or $GRADC_CONFORMANCE_DIR): TF's recorded corpus and its corpus_lib.
SHARED_CONFORMANCE = Path(os.environ.get("GRADC_CONFORMANCE_DIR",
                                         Path(__file__).resolve().parents[2] / "shared" / "conformance"))


@pytest.fixture(scope="session")
def corpus_lib() -> ModuleType:
    """The shared conformance corpus_lib (tests using it skip when the corpus is missing)."""
    if not (SHARED_CONFORMANCE / "corpus_lib.py").exists():
        pytest.skip(f"shared conformance corpus not found at {SHARED_CONFORMANCE}")
    sys.path.insert(0, str(SHARED_CONFORMANCE))
    try:
        import corpus_lib as lib
    finally:
        sys.path.remove(str(SHARED_CONFORMANCE))
    return lib
