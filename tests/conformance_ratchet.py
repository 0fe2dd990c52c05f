"""Run the TF conformance corpus and fail if fewer cases pass than the recorded baseline.

The baseline (tests/conformance_baseline.txt) only ever goes up: raise it when more cases
pass. Failing cases are listed so a regression names its case.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT.parent / "shared" / "conformance" / "check.py"


def main() -> int:
    if not CHECK.exists():
        print(f"conformance ratchet: {CHECK} not found, skipped")
        return 0
    proc = subprocess.run([sys.executable, str(CHECK), "--split", "public", "--module", "gradc"],
                          capture_output=True, text=True, cwd=ROOT)
    lines = proc.stdout.strip().splitlines()
    m = re.match(r"(\d+) passed, (\d+) failed", lines[-1] if lines else "")
    if not m:
        print("conformance ratchet: the checker crashed:\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
        return 1
    passed, failed = int(m.group(1)), int(m.group(2))
    baseline = int((ROOT / "tests" / "conformance_baseline.txt").read_text().split()[0])
    for line in lines[:-1]:
        print("  " + line)
    print(lines[-1])
    print(f"conformance ratchet: {passed} of {passed + failed} public cases match TensorFlow "
          f"(baseline {baseline})")
    return 0 if passed >= baseline else 1


if __name__ == "__main__":
    sys.exit(main())
