"""The tree stays ruff-clean (the same check as `make lint`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_clean() -> None:
    ruff = Path(sys.executable).parent / "ruff"
    r = subprocess.run([str(ruff), "check", "."], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout[-4000:]
