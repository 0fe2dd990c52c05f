"""Packaging guards: every subpackage is listed in pyproject.toml, and only gradc.* is imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
MAPPED = {"gradc": "frontend", "gradc.compiler": "compiler", "gradc.runtime": "runtime"}


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_package_dir_maps_the_three_folders() -> None:
    assert _config()["package-dir"] == MAPPED


def test_every_subpackage_is_listed() -> None:
    listed = set(_config()["packages"])
    found = set()
    for pkg, folder in MAPPED.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([pkg, *rel.parts]) if rel.parts else pkg)
    assert found - listed == set(), "subpackages missing from pyproject.toml packages"
    assert listed - found == set(), "packages listed that do not exist"


def test_no_folder_names_leak_into_sys_modules() -> None:
    code = (
        "import sys, gradc, gradc.cli, gradc.runtime.jit, gradc.compiler.passes;"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('frontend','compiler','runtime')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_console_script_runs() -> None:
    exe = Path(sys.executable).parent / "gradc"
    r = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "dump" in r.stdout
