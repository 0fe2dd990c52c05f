"""The native calling convention seen from Python: argument checks and pointer marshalling.

A compiled entry is `void f(void** inputs, void** outputs, void* workspace)`. `Signature`
checks every argument's count, dtype and shape in Python (no bad input ever reaches native
code), makes it C-contiguous, allocates the outputs, and fills preallocated ctypes pointer
arrays so a call costs a few microseconds.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from gradc.compiler.ir.core import Function, Value

EntryFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
_ALIGN = 64


def _arg_name(v: Value) -> str:
    return v.arg_name or v.name


class Signature:
    """The static input/output types of one compiled function and a thread-local workspace."""

    def __init__(self, fn: Function, workspace_size: int) -> None:
        self.name = fn.name
        self.arg_names = [_arg_name(a) for a in fn.args]
        self.in_types = [(a.type.shape, a.type.dtype.np) for a in fn.args]
        self.out_types = [(v.type.shape, v.type.dtype.np) for v in fn.outputs]
        self.workspace_size = workspace_size
        self._tls = threading.local()

    def check(self, args: Sequence[Any]) -> list[np.ndarray]:
        """Validate and convert the arguments (TypeError for count/dtype, ValueError for shape)."""
        if len(args) != len(self.in_types):
            raise TypeError(
                f"{self.name}() takes {len(self.in_types)} argument(s) "
                f"({', '.join(self.arg_names)}), got {len(args)}"
            )
        out = []
        for a, name, (shape, dt) in zip(args, self.arg_names, self.in_types, strict=True):
            arr = np.asarray(a)
            if arr.dtype != dt:
                # NumPy data must match exactly; Python scalars/lists convert within their kind
                # (an int list may feed a float argument).
                native = isinstance(a, (np.ndarray, np.generic))
                if native or (arr.dtype.kind != dt.kind and not (dt.kind == "f" and arr.dtype.kind in "iu")):
                    raise TypeError(
                        f"{self.name}(): argument {name!r} expected dtype {dt.name}, got {arr.dtype.name}"
                    )
                arr = arr.astype(dt)
            if arr.shape != shape:
                raise ValueError(
                    f"{self.name}(): argument {name!r} expected shape {shape}, got {arr.shape}"
                )
            out.append(np.ascontiguousarray(arr))
        return out

    def workspace(self) -> int:
        """Address of this thread's 64-byte aligned arena (reused across calls: no page faults)."""
        buf = getattr(self._tls, "buf", None)
        if buf is None:
            buf = np.empty(self.workspace_size + _ALIGN, np.uint8)
            self._tls.buf = buf
            addr = buf.ctypes.data
            self._tls.addr = addr + (-addr) % _ALIGN
        return self._tls.addr  # type: ignore[no-any-return]


def address(a: np.ndarray) -> int:
    """The data address of a contiguous array; `from_buffer` is ~3x cheaper than `.ctypes.data`
    but needs a writable, non-empty buffer."""
    try:
        return ctypes.addressof(_Byte.from_buffer(a))
    except (TypeError, ValueError):
        return a.ctypes.data  # type: ignore[no-any-return]


_Byte = ctypes.c_char


class Caller:
    """Calls one native entry; the common case (exact arrays) skips conversion entirely."""

    def __init__(self, sig: Signature, address: int) -> None:
        self.sig = sig
        self.entry = EntryFn(address)
        self.n_in, self.n_out = len(sig.in_types), len(sig.out_types)
        self.in_array = ctypes.c_void_p * max(self.n_in, 1)
        self.out_array = ctypes.c_void_p * max(self.n_out, 1)
        self.in_types = sig.in_types

    def __call__(self, *args: Any) -> list[np.ndarray]:
        arrays: Sequence[np.ndarray] = args
        if len(args) != self.n_in or not all(
            type(a) is np.ndarray and a.dtype == dt and a.shape == shape and a.flags.c_contiguous
            for a, (shape, dt) in zip(args, self.in_types, strict=False)
        ):
            arrays = self.sig.check(args)  # raises on bad input; converts lists, non-contiguous
        outs = [np.empty(shape, dt) for shape, dt in self.sig.out_types]
        ins_p = self.in_array(*[address(a) for a in arrays])
        outs_p = self.out_array(*[address(o) for o in outs])
        ws = self.sig.workspace() if self.sig.workspace_size else None
        # `arrays` and `outs` stay referenced until the call returns.
        self.entry(ins_p, outs_p, ws)
        return outs
