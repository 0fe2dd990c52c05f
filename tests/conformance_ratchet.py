"""Run the TF conformance corpus and fail if fewer cases pass than the recorded baseline.

The corpus is the project's copy (tests/conformance, checked by its own check.py), so the
ratchet always runs. The baseline (tests/conformance_baseline.txt) only ever goes up: raise it
when more cases pass. Failing cases are listed so a regression names its case.

When an extra source is present ($GRADC_CONFORMANCE_DIR, else ../shared/conformance), its own
check.py is run as well, over every split it has, and its result is printed for information
(the baseline is about the copy; tests/test_conformance.py runs the extra source's new cases).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "tests" / "conformance" / "check.py"


def run_check(check: Path, split: str) -> tuple[int, int, list[str]] | str:
    """(passed, failed, FAIL lines) of `check.py --split SPLIT --module gradc`, or what went wrong."""
    proc = subprocess.run([sys.executable, str(check), "--split", split, "--module", "gradc"],
                          capture_output=True, text=True, cwd=ROOT)
    lines = proc.stdout.strip().splitlines()
    m = re.match(r"(\d+) passed, (\d+) failed", lines[-1] if lines else "")
    if not m:
        return f"{check} crashed:\n" + proc.stdout[-3000:] + proc.stderr[-3000:]
    return int(m.group(1)), int(m.group(2)), lines[:-1]


def extra_check() -> Path | None:
    """check.py of the extra corpus source, when there is one."""
    given = os.environ.get("GRADC_CONFORMANCE_DIR")
    path = Path(given) if given else ROOT.parent / "shared" / "conformance"
    check = path / "check.py"
    return check if check.is_file() and check.resolve() != CHECK.resolve() else None


def main() -> int:
    res = run_check(CHECK, "public")
    if isinstance(res, str):
        print("conformance ratchet: " + res)
        return 1
    passed, failed, fails = res
    baseline = int((ROOT / "tests" / "conformance_baseline.txt").read_text().split()[0])
    for line in fails:
        print("  " + line)
    print(f"{passed} passed, {failed} failed")
    print(f"conformance ratchet: {passed} of {passed + failed} public cases match TensorFlow "
          f"(baseline {baseline}; corpus {CHECK.parent.relative_to(ROOT)})")
    extra = extra_check()
    if extra is not None:
        more = run_check(extra, "all")
        if isinstance(more, str):
            print("extra source (information only): " + more)
        else:
            for line in more[2]:
                print("  " + line)
            print(f"extra source {extra.parent} (information only): {more[0]} passed, {more[1]} failed")
    return 0 if passed >= baseline else 1


if __name__ == "__main__":
    sys.exit(main())
