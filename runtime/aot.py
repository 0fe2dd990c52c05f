"""Ahead-of-time compilation: a gradc function to an object file, C header and shared library.

`compile_aot(f, args)` traces `f` for the example arguments and runs the same pass pipeline as
the JIT (`GradcFunction._compile`), then lazily produces each artefact from the optimised IR:
MLIR text, LLVM IR, assembly and an object file for the host (PIC, so it links into PIE
executables and shared libraries), the header (runtime/cheader.py), and a shared library
linked by the system C compiler. The object holds the C ABI of runtime/aot_wrapper.py and
needs only libc and libm at run time (it is lowered without BLAS). `load(path)` calls such a
library from Python with ctypes (runtime/aot_load.py, no llvmlite needed).

Every object and library written ends with a trailer (runtime/aot_artifact.py): the target
triple, the CPU and the LLVM features the code may use, and a SHA-256 hash, so `load` can
refuse a truncated file or one this host cannot run before mapping it. CPU names are checked
against LLVM's own list before they reach LLVM (an unknown name makes LLVM abort the process);
the features a named CPU implies are asked of LLVM itself (`cpu_features`).
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import llvmlite.binding as llvm

from gradc.compiler.ir.core import Function
from gradc.compiler.lowering.llvm import LoweredModule, lower
from gradc.compiler.lowering.llvm.module import symbol_for

from . import cheader, llvm_cpu
from .aot_artifact import AotLoadError, ArtifactInfo, merge, read_sealed, seal
from .aot_wrapper import LIBC, libm_aliases, wrapper_module

ABI_VERSION = cheader.ABI_VERSION


class AotError(RuntimeError):
    """The function cannot be compiled ahead of time (or the C toolchain failed)."""


def trace_optimized(f: Any, args: Sequence[Any]) -> tuple[Function, Any]:
    """Trace a GradcFunction and run its pass pipeline, exactly as `GradcFunction._compile` does."""
    from gradc.compiler.passes import PassManager, default_pipeline, parse_pipeline

    fn, template = f.trace(list(args))
    if type(template).__name__ == "WithPrints":
        raise ValueError(f"{fn.name} {template.what}, which needs Python at run time: it cannot be "
                         "compiled ahead of time (remove the print, or use the JIT)")
    passes = parse_pipeline(f.pipeline) if f.pipeline else default_pipeline()
    PassManager(passes, verify=True).run(fn)
    return fn, template


def encode_template(t: Any) -> Any:
    """The result nesting as JSON: output index, null, or {"tuple"|"list": [...]} / {"dict": [[k, v]]}."""
    if t is None:
        return None
    if isinstance(t, tuple) and len(t) == 2 and t[0] == "out":
        return t[1]
    if isinstance(t, tuple):
        return {"tuple": [encode_template(v) for v in t]}
    if isinstance(t, list):
        return {"list": [encode_template(v) for v in t]}
    return {"dict": [[k, encode_template(v)] for k, v in t.items()]}


def _template_doc(t: Any) -> str:
    if t is None:
        return "None"
    if isinstance(t, int):
        return str(t)
    (kind, items), = t.items()
    if kind == "dict":
        return "{" + ", ".join(f"{k!r}: {_template_doc(v)}" for k, v in items) + "}"
    inner = ", ".join(_template_doc(v) for v in items)
    return f"({inner}{',' if len(items) == 1 else ''})" if kind == "tuple" else f"[{inner}]"


def check_cpu(cpu: str) -> None:
    """AotError unless `cpu` is "host", "generic" or an LLVM CPU name that can run the host triple.

    LLVM itself only warns about an unknown name, then aborts the whole process during code
    generation ("64-bit code requested on a subtarget that doesn't support it"), as it does for
    a 32-bit CPU such as pentium4 on x86_64; runtime/llvm_cpu.py asks in a child process.
    """
    cpu_features(cpu)


def host_cpu_features() -> tuple[str, ...]:
    """The LLVM features this CPU has."""
    return tuple(f for f, on in sorted(llvm.get_host_cpu_features().items()) if on)


def cpu_features(cpu: str) -> tuple[str, ...]:
    """The LLVM features code compiled for `cpu` may use; AotError for a CPU LLVM cannot target.

    "host" gets this CPU's own features (they are passed to LLVM explicitly); any other name
    is checked and resolved by runtime/llvm_cpu.py.
    """
    if cpu == "host":
        return host_cpu_features()
    try:
        report = llvm_cpu.describe(cpu)
    except RuntimeError as e:
        raise AotError(str(e)) from None
    if report.features is not None:
        return report.features
    triple = llvm.get_process_triple()
    if cpu in report.names:
        raise AotError(f"CPU {cpu!r} cannot run code for {triple} (LLVM: {report.error or 'aborted'}); "
                       "use host, generic or a 64-bit CPU name such as x86-64-v3")
    raise AotError(f"unknown CPU {cpu!r} for {triple}; use host (this machine), generic (portable) "
                   f"or one of LLVM's CPU names: {', '.join(report.names)}")


def target_machine(cpu: str = "host") -> llvm.TargetMachine:
    """The host target; `cpu="host"` uses this CPU's features (like the JIT), "generic" is portable."""
    check_cpu(cpu)  # before LLVM sees the name: a bad one aborts the process later
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_triple(llvm.get_process_triple())
    if cpu == "host":
        cpu, features = llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()
    else:
        features = ""
    return target.create_target_machine(cpu=cpu, features=features, opt=3, reloc="pic", codemodel="default")


@dataclass
class AotModule:
    """One function compiled for one signature; each artefact is produced on first use."""

    name: str  # the C name: entry symbol gradc_<name>
    fn: Function  # optimised IR
    template: Any
    fastmath: bool = False
    cpu: str = "host"
    origin: str = "<python>"

    @property
    def symbol(self) -> str:
        return symbol_for(self.name)

    def tensors(self, kind: str) -> list[cheader.Tensor]:
        if kind == "inputs":
            return [(a.arg_name or a.name, a.type.shape, a.type.dtype) for a in self.fn.args]
        return [(v.name, v.type.shape, v.type.dtype) for v in self.fn.outputs]

    @cached_property
    def lowered(self) -> LoweredModule:
        kw: dict[str, Any] = {}
        if "blas" in inspect.signature(lower).parameters:
            kw["blas"] = False  # objects must not depend on numpy's OpenBLAS
        return lower(self.fn, fastmath=self.fastmath, symbol=self.symbol + ".impl", **kw)

    @property
    def workspace_size(self) -> int:
        return self.lowered.plan.workspace_size

    def info(self) -> dict[str, Any]:
        """The signature as exported by `gradc_<name>_info()` (what `load` reads)."""
        def ts(kind: str) -> list[dict[str, Any]]:
            return [{"name": n, "shape": list(s), "dtype": d.name} for n, s, d in self.tensors(kind)]

        return {"abi": ABI_VERSION, "name": self.name, "symbol": self.symbol, "inputs": ts("inputs"),
                "outputs": ts("outputs"), "workspace": self.workspace_size,
                "structure": encode_template(self.template)}

    @cached_property
    def _tm(self) -> llvm.TargetMachine:
        return target_machine(self.cpu)

    @cached_property
    def llvm_module(self) -> llvm.ModuleRef:
        """The lowered function linked with its C ABI wrapper and libm shims, optimised (O3)."""
        from .jit import optimize

        tm = self._tm
        mod = llvm.parse_assembly(self.lowered.llvm_ir)
        sig = lambda kind: [(s, d) for _, s, d in self.tensors(kind)]
        info = json.dumps(self.info(), separators=(",", ":"))
        abi = wrapper_module(self.symbol, self.lowered.symbol, sig("inputs"), sig("outputs"),
                             self.workspace_size, info, libm_aliases(mod))
        mod.link_in(llvm.parse_assembly(str(abi)))
        public = {self.symbol, self.symbol + "_with_workspace", self.symbol + "_info", "gradc_default_function"}
        for f in mod.functions:
            if not f.is_declaration and f.name not in public:
                f.linkage = "internal"  # only the C entry points are exported
        for f in mod.functions:
            if f.is_declaration and not f.name.startswith("llvm.") and f.name not in LIBC and not _is_libm(f.name):
                raise AotError(f"AOT object for {self.name} would need the external symbol {f.name!r}")
        mod.triple = tm.triple
        mod.data_layout = str(tm.target_data)
        mod.verify()
        optimize(mod, tm)
        return mod

    def llvm_ir(self) -> str:
        return str(self.llvm_module)

    def asm(self) -> str:
        return self._tm.emit_assembly(self.llvm_module)

    def artifact_info(self, kind: str) -> ArtifactInfo:
        """The trailer metadata: triple, CPU and the features the code may use."""
        cpu = llvm.get_host_cpu_name() if self.cpu == "host" else self.cpu
        return ArtifactInfo(kind, self._tm.triple, cpu, cpu_features(self.cpu))

    def object(self) -> bytes:
        """The ELF object, sealed with its trailer (linkers ignore the trailing bytes)."""
        return seal(bytes(self._tm.emit_object(self.llvm_module)), self.artifact_info("object"))

    def header(self) -> str:
        doc = _template_doc(encode_template(self.template))
        return cheader.header(self.symbol, self.tensors("inputs"), self.tensors("outputs"),
                              self.workspace_size, f"{self.origin} ({self.fn.name})", doc)

    def mlir(self) -> str:
        try:
            from gradc.compiler.lowering.mlir import emit_mlir
        except ImportError as e:
            raise AotError(f"MLIR emission is not available in this build: {e}") from None
        return emit_mlir(self.fn)

    def shared_library(self, path: str | os.PathLike[str], cc: str | None = None) -> None:
        """Write the object to a temporary file and link `path` with the C compiler."""
        with tempfile.TemporaryDirectory(prefix="gradc-aot-") as tmp:
            obj = Path(tmp) / f"{self.name}.o"
            obj.write_bytes(self.object())
            link_shared([obj], path, cc)


def _is_libm(name: str) -> bool:
    from gradc.compiler.lowering.llvm.common import LIBM_FUNCTIONS

    return name in LIBM_FUNCTIONS or (name.endswith("f") and name[:-1] in LIBM_FUNCTIONS)


def find_cc(cc: str | None = None) -> str:
    """The C compiler: the argument, $CC, or cc/gcc/clang on PATH."""
    for cand in (cc, os.environ.get("CC"), "cc", "gcc", "clang"):
        if cand and shutil.which(cand.split()[0]):
            return cand
    raise AotError("no C compiler found (install cc or set CC)")


def link_shared(objects: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str], cc: str | None = None) -> None:
    """`cc -shared -o out objects... -lm`, then seal `out` for `load`.

    Every object must be a gradc AOT object: the library's trailer records the union of their
    CPU features, which `load` checks against the host's.
    """
    try:
        info = merge((read_sealed(o)[1] for o in objects), "shared", str(out))
    except (AotLoadError, OSError) as e:
        raise AotError(f"cannot link {out}: {e}") from None
    cmd = [*find_cc(cc).split(), "-shared", "-o", str(out), *map(str, objects), "-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise AotError(f"linking failed: {' '.join(cmd)}\n{r.stderr.strip()}")
    sealed = seal(Path(out).read_bytes(), info)
    tmp = Path(f"{out}.gradc-tmp")
    tmp.write_bytes(sealed)
    shutil.copymode(out, tmp)
    os.replace(tmp, out)  # never a half-written library under the final name


def compile_aot(f: Any, args: Sequence[Any], *, name: str | None = None, cpu: str = "host",
                origin: str | None = None) -> AotModule:
    """Trace and optimise GradcFunction `f` for `args` (arrays of the wanted shapes/dtypes).

    `cpu`: "host" (this machine's features), "generic" (portable) or an LLVM CPU name; an
    unknown name raises AotError listing the valid ones.
    """
    from gradc.function import _flatten_args

    check_cpu(cpu)

    _, arrays = _flatten_args(args)
    f._check_signature(arrays)
    fn, template = trace_optimized(f, args)
    c_name = symbol_for(name or fn.name)[len("gradc_"):]
    return AotModule(c_name, fn, template, fastmath=f.fastmath, cpu=cpu,
                     origin=origin or os.path.basename(f.python_function.__code__.co_filename))

