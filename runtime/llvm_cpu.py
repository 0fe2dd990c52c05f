"""LLVM's CPU names for the host triple, and the features a named CPU implies, asked in a child process.

Both questions can kill the asking process: LLVM has no API for the CPU list but prints it to
the C stderr for the CPU name "help" (as `llc -mcpu=help` does), and it aborts the process
("LLVM ERROR: 64-bit code requested on a subtarget that doesn't support it!") as soon as a
function is looked at for a CPU that cannot run the triple, e.g. `pentium4` on x86_64, or for a
misspelt name, which it only warns about first. So `describe(cpu)` runs this file as a script in
a child process; the child imports only llvmlite (not gradc) and prints two JSON lines: the CPU
names, then the features of the requested CPU (missing when LLVM aborted).

The implied features come from the inliner, since LLVM exposes no feature table either: a callee
that needs feature F inlines into a caller compiled for the CPU only if the CPU implies F
(TargetTransformInfo::areInlineCompatible compares the feature bits). One probe module covers
every feature LLVM knows for the target.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class CpuReport:
    """The child's answer: LLVM's CPU names, and the CPU's features or why there are none."""

    names: tuple[str, ...]
    features: tuple[str, ...] | None  # None: not a known name, or LLVM aborted (see `error`)
    error: str


@cache
def describe(cpu: str) -> CpuReport:
    """Ask a child process about `cpu` (any string; "generic" works, "host" is not a name)."""
    flags = ["-P"] if sys.version_info >= (3, 11) else []  # do not put this directory on sys.path
    r = subprocess.run([sys.executable, *flags, os.path.abspath(__file__), cpu], capture_output=True, text=True)
    lines = r.stdout.splitlines()
    if not lines:
        raise RuntimeError(f"cannot list LLVM's CPU names (exit status {r.returncode}): {r.stderr.strip()[:500]}")
    names = tuple(json.loads(lines[0]))
    features = tuple(json.loads(lines[1])) if len(lines) > 1 and r.returncode == 0 else None
    error = " ".join(line for line in r.stderr.splitlines() if "LLVM ERROR" in line) or r.stderr.strip()[-500:]
    return CpuReport(names, features, error)


def _cpu_names(llvm: Any, triple: str) -> list[str]:
    """LLVM's list, printed to fd 2 for the CPU "help": captured through a temporary file."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            llvm.Target.from_triple(triple).create_target_machine(cpu="help")
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode(errors="replace")
    head = text.partition("Available features")[0].splitlines()
    if not head or not head[0].startswith("Available CPUs"):
        raise RuntimeError(f"unexpected output of LLVM for CPU 'help': {text[:300]!r}")
    return [line.split()[0] for line in head[1:] if line.strip()]


def _implied_features(llvm: Any, triple: str, cpu: str) -> list[str]:
    known = sorted(llvm.get_host_cpu_features())  # every feature name of the target
    lines = [f'target triple = "{triple}"']
    for i, feat in enumerate(known):
        lines += [f"define internal i32 @callee{i}(i32 %x) #{2 * i} {{\n  %y = add i32 %x, 1\n  ret i32 %y\n}}",
                  f"define i32 @caller{i}(i32 %x) #{2 * i + 1} {{\n"
                  f"  %r = call i32 @callee{i}(i32 %x)\n  ret i32 %r\n}}",
                  f'attributes #{2 * i} = {{ inlinehint "target-cpu"="{cpu}" "target-features"="+{feat}" }}',
                  f'attributes #{2 * i + 1} = {{ "target-cpu"="{cpu}" }}']
    mod = llvm.parse_assembly("\n".join(lines))
    tm = llvm.Target.from_triple(triple).create_target_machine(cpu=cpu, opt=2)
    pb = llvm.create_pass_builder(tm, llvm.create_pipeline_tuning_options(speed_level=2))
    pb.getModulePassManager().run(mod, pb)
    return [f for i, f in enumerate(known) if "call " not in str(mod.get_function(f"caller{i}"))]


def _main(cpu: str) -> None:
    import llvmlite.binding as llvm

    llvm.initialize_native_target()
    triple = llvm.get_process_triple()
    names = _cpu_names(llvm, triple)
    print(json.dumps(names), flush=True)
    if cpu in names:
        print(json.dumps(_implied_features(llvm, triple, cpu)), flush=True)


if __name__ == "__main__":
    _main(sys.argv[1])
