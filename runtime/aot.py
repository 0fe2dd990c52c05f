"""Ahead-of-time compilation: a gradc function to an object file, C header and shared library.

`compile_aot(f, args)` traces `f` for the example arguments and runs the same pass pipeline as
the JIT (`GradcFunction._compile`), then lazily produces each artefact from the optimised IR:
MLIR text, LLVM IR, assembly and an object file for the host (PIC, so it links into PIE
executables and shared libraries), the header (runtime/cheader.py), and a shared library
linked by the system C compiler. The object holds the C ABI of runtime/aot_wrapper.py and
needs only libc and libm at run time (it is lowered without BLAS). `load(path)` calls such a
library from Python with ctypes (runtime/aot_load.py, no llvmlite needed).
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

from . import cheader
from .aot_wrapper import LIBC, libm_aliases, wrapper_module

ABI_VERSION = 1


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


def target_machine(cpu: str = "host") -> llvm.TargetMachine:
    """The host target; `cpu="host"` uses this CPU's features (like the JIT), "generic" is portable."""
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

    def object(self) -> bytes:
        return bytes(self._tm.emit_object(self.llvm_module))

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
    """`cc -shared -o out objects... -lm`."""
    cmd = [*find_cc(cc).split(), "-shared", "-o", str(out), *map(str, objects), "-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise AotError(f"linking failed: {' '.join(cmd)}\n{r.stderr.strip()}")


def compile_aot(f: Any, args: Sequence[Any], *, name: str | None = None, cpu: str = "host",
                origin: str | None = None) -> AotModule:
    """Trace and optimise GradcFunction `f` for `args` (arrays of the wanted shapes/dtypes)."""
    from gradc.function import _flatten_args

    _, arrays = _flatten_args(args)
    f._check_signature(arrays)
    fn, template = trace_optimized(f, args)
    c_name = symbol_for(name or fn.name)[len("gradc_"):]
    return AotModule(c_name, fn, template, fastmath=f.fastmath, cpu=cpu,
                     origin=origin or os.path.basename(f.python_function.__code__.co_filename))

