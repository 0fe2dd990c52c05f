"""JIT compilation with llvmlite: lower, optimise (new pass manager, O3), MCJIT, call via ctypes.

One MCJIT engine per process: each compiled function's module is added to it, so only the
first compile pays for engine and target-machine setup. Code is generated for the host CPU
with its features. Floating point is exact IEEE unless `fastmath=True`: the lowering emits no
fast-math flags and the target machine fuses only `contract`-flagged operations.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import threading
from typing import Any

import llvmlite.binding as llvm
import numpy as np

from gradc.compiler.ir.core import Function
from gradc.compiler.lowering.llvm import LoweredModule, lower
from gradc.compiler.lowering.llvm.blas import blas_symbols
from gradc.compiler.lowering.llvm.common import LIBM_FUNCTIONS, LIBM_PREFIX
from gradc.compiler.lowering.llvm.module import symbol_for
from gradc.compiler.lowering.llvm.parallel import PTHREAD_CREATE, PTHREAD_JOIN

from .abi import ARRAY_DATA, TUPLE_ITEMS, Caller, Signature, object_layout_ok

_lock = threading.Lock()
_ids = itertools.count()
_state: dict[str, Any] = {}


def _engine() -> tuple[llvm.ExecutionEngine, llvm.TargetMachine]:
    """The process-wide engine and host target machine (created on first use)."""
    if "engine" not in _state:
        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        target = llvm.Target.from_triple(llvm.get_process_triple())
        features = llvm.get_host_cpu_features().flatten()
        tm = target.create_target_machine(cpu=llvm.get_host_cpu_name(), features=features, opt=3,
                                          jit=True)
        _map_libm()
        empty = llvm.parse_assembly("")
        empty.triple = tm.triple
        _state["tm"] = tm
        _state["engine"] = llvm.create_mcjit_compiler(empty, tm)
    return _state["engine"], _state["tm"]


def _map_libm() -> None:
    """Resolve the lowering's private `gradc.<fn>` math aliases to the process's libm."""
    libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    for name in LIBM_FUNCTIONS:
        for sym in (name, name + "f"):
            llvm.add_symbol(LIBM_PREFIX + sym, ctypes.cast(getattr(libm, sym), ctypes.c_void_p).value)
    for alias, addr in blas_symbols().items():  # numpy's OpenBLAS GEMMs (lowering/llvm/blas.py)
        llvm.add_symbol(alias, addr)
    # Two-chunk loops (lowering/llvm/parallel.py) start their second thread through private
    # aliases too: glibc >= 2.34 has pthread in libc itself, older ones in libpthread.
    proc = ctypes.CDLL(None)
    if not hasattr(proc, "pthread_create"):
        proc = ctypes.CDLL(ctypes.util.find_library("pthread") or "libpthread.so.0")
    for alias, name in ((PTHREAD_CREATE, "pthread_create"), (PTHREAD_JOIN, "pthread_join")):
        llvm.add_symbol(alias, ctypes.cast(getattr(proc, name), ctypes.c_void_p).value)


def optimize(mod: llvm.ModuleRef, tm: llvm.TargetMachine) -> None:
    """O3 with loop and SLP vectorisation through the new pass manager.

    Interleaving and partial unrolling are off: on a 50-op function they tripled code size and
    doubled optimise + codegen time, for little gain on loops that stream memory.
    """
    pto = llvm.create_pipeline_tuning_options(speed_level=3)
    pto.loop_vectorization = True
    pto.slp_vectorization = True
    pto.loop_interleaving = False
    pto.loop_unrolling = False
    pb = llvm.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(mod, pb)


def py_wrapper(sym: str, n_in: int, n_out: int) -> str:
    """LLVM text of `void @"<sym>.py"(ptr in_tuple, ptr out_tuple, ptr ws)`: reads each array's
    data pointer from the tuples (CPython/NumPy object layout) and calls the ABI entry."""
    lines = [f'define void @"{sym}.py"(ptr %it, ptr %ot, ptr %ws) {{', "entry:",
             f"  %in = alloca [{max(n_in, 1)} x ptr]", f"  %out = alloca [{max(n_out, 1)} x ptr]"]
    for tag, n in (("i", n_in), ("o", n_out)):
        for k in range(n):
            t, arr = ("%it", "%in") if tag == "i" else ("%ot", "%out")
            lines += [f"  %{tag}{k}.s = getelementptr i8, ptr {t}, i64 {TUPLE_ITEMS + 8 * k}",
                      f"  %{tag}{k}.a = load ptr, ptr %{tag}{k}.s",
                      f"  %{tag}{k}.d = getelementptr i8, ptr %{tag}{k}.a, i64 {ARRAY_DATA}",
                      f"  %{tag}{k}.p = load ptr, ptr %{tag}{k}.d",
                      f"  %{tag}{k}.e = getelementptr [{max(n, 1)} x ptr], ptr {arr}, i64 0, i64 {k}",
                      f"  store ptr %{tag}{k}.p, ptr %{tag}{k}.e"]
    lines += [f'  call void @"{sym}"(ptr %in, ptr %out, ptr %ws)', "  ret void", "}",
              f'declare void @"{sym}"(ptr, ptr, ptr)']
    return "\n".join(lines) + "\n"


class NativeFunction:
    """A compiled function: call it on NumPy arrays; inspect `.llvm_ir`, `.llvm_opt_ir`, `.asm`."""

    def __init__(self, lowered: LoweredModule, mod: llvm.ModuleRef, address: int, fastmath: bool,
                 py_address: int = 0, out_cls: type[np.ndarray] = np.ndarray) -> None:
        self.lowered = lowered
        self.symbol = lowered.symbol
        self.fastmath = fastmath
        self.llvm_ir = lowered.llvm_ir
        self.llvm_opt_ir = str(mod)
        self.signature = Signature(lowered.fn, lowered.plan.workspace_size)
        self._call = Caller(self.signature, address, py_address, out_cls)
        self.fast = self._call.fast
        self._asm: str | None = None

    @property
    def asm(self) -> str:
        """Target assembly of the optimised module (generated on first access)."""
        if self._asm is None:
            _, tm = _engine()
            self._asm = tm.emit_assembly(llvm.parse_assembly(self.llvm_opt_ir))
        return self._asm

    def __call__(self, *arrays: Any) -> list[np.ndarray]:
        return self._call(*arrays)

    def __repr__(self) -> str:
        return f"<NativeFunction {self.symbol} workspace={self.signature.workspace_size}B>"


def compile_function(fn: Function, *, fastmath: bool = False, out_cls: type[np.ndarray] = np.ndarray,
                     **options: Any) -> NativeFunction:
    """Lower, verify, optimise and JIT `fn`; the result runs on NumPy arrays.

    `options` go to `lower` (fuse, blas, reuse, threads); outputs are created as `out_cls` arrays.
    """
    sym = f"{symbol_for(fn.name)}_{next(_ids)}"  # unique across the shared engine
    lowered = lower(fn, fastmath=fastmath, symbol=sym, **options)
    wrap = _state.setdefault("layout_ok", object_layout_ok())
    with _lock:
        engine, tm = _engine()
        mod = llvm.parse_assembly(lowered.llvm_ir)
        mod.triple = tm.triple
        mod.data_layout = str(tm.target_data)
        mod.verify()
        optimize(mod, tm)
        engine.add_module(mod)
        if wrap:  # its own module: the wrapper stays out of `llvm_opt_ir` and is not optimised
            wmod = llvm.parse_assembly(py_wrapper(sym, len(lowered.fn.args), len(lowered.fn.outputs)))
            wmod.triple = tm.triple
            wmod.data_layout = str(tm.target_data)
            engine.add_module(wmod)
        engine.finalize_object()
        address = engine.get_function_address(sym)
        py_address = engine.get_function_address(sym + ".py") if wrap else 0
    if not address:
        raise RuntimeError(f"JIT did not produce symbol {sym}")
    return NativeFunction(lowered, mod, address, fastmath, py_address, out_cls)
