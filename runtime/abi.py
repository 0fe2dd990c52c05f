"""The native calling convention seen from Python: argument checks and pointer marshalling.

A compiled entry is `void f(void** inputs, void** outputs, void* workspace)`. `Signature`
checks every argument's count, dtype and shape in Python (no bad input ever reaches native
code), makes it C-contiguous, allocates the outputs, and fills preallocated ctypes pointer
arrays so a call costs a few microseconds. `Caller.fast` is the ctypes shortcut for exact
arrays; `Caller.builtin` makes the faster native builtin of pycall.py, which does the same
checks itself and falls back here (returning MISS) for anything else.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradc.compiler.ir.core import Function, Value

EntryFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
# The object-level entry `void(PyTuple* inputs, PyTuple* outputs, void* workspace)` (jit.py):
# native code reads each array's data pointer itself, which saves ~0.3 us per array.
PyEntryFn = ctypes.CFUNCTYPE(None, ctypes.py_object, ctypes.py_object, ctypes.c_void_p)
TUPLE_ITEMS = 24  # offsetof(PyTupleObject, ob_item) on 64-bit CPython
ARRAY_DATA = 16  # offsetof(PyArrayObject_fields, data)


def object_layout_ok() -> bool:
    """Whether the tuple/array field offsets above hold in this interpreter (checked once)."""
    a = np.zeros(2)
    t = (a,)
    item = ctypes.c_void_p.from_address(id(t) + TUPLE_ITEMS).value
    data = ctypes.c_void_p.from_address(id(a) + ARRAY_DATA).value
    return item == id(a) and data == a.ctypes.data
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
        try:
            return self._tls.addr  # type: ignore[no-any-return]
        except AttributeError:
            pass
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

    def __init__(self, sig: Signature, address: int, py_address: int = 0,
                 out_cls: type[np.ndarray] = np.ndarray) -> None:
        self.sig = sig
        self.address = address
        self.entry = EntryFn(address)
        self.py_entry = PyEntryFn(py_address) if py_address else None
        if not py_address:
            self.fast = lambda args: None  # type: ignore[method-assign]
        self.out_cls = out_cls
        self.out_specs = [(out_cls, shape, np.dtype(dt)) for shape, dt in sig.out_types]
        self.nonempty_ws = bool(sig.workspace_size)
        self._new_outputs = self._make_outputs()
        self.n_in, self.n_out = len(sig.in_types), len(sig.out_types)
        self.in_array = ctypes.c_void_p * max(self.n_in, 1)
        self.out_array = ctypes.c_void_p * max(self.n_out, 1)
        self.in_types = sig.in_types

    def fast(self, args: tuple[Any, ...]) -> tuple[np.ndarray, ...] | None:
        """The hot path for a signature-cache hit, or None to take the checked path.

        Precondition: the caller matched (shape, dtype) of every argument (the cache key);
        this only requires exact C-contiguous ndarrays. Outputs are created directly as
        `out_cls`; the object-level native entry reads all data pointers itself.
        """
        for a in args:
            if type(a) is not np.ndarray or not a.flags.c_contiguous:
                return None
        outs = self._new_outputs()
        self.py_entry(args, outs, self.sig.workspace() if self.nonempty_ws else None)  # type: ignore[misc]
        return outs

    def builtin(self, template: Any, build: Callable[[Sequence[np.ndarray]], Any]) -> Callable[..., Any] | None:
        """This signature as a CPython builtin returning the finished result for exactly its
        argument types, `pycall.MISS` for any others (pycall.py); None where unavailable.

        `template` is the frontend's result template; what pycall cannot build natively (dicts,
        print outputs) comes back as the tuple of outputs and goes through `build` in Python.
        """
        from . import pycall

        sig = self.sig
        spec = pycall.spec_of(template)
        try:
            native = pycall.build_builtin(sig.name, self.address, sig.in_types, sig.out_types,
                                          sig.workspace_size, tuple(range(self.n_out)) if spec is None
                                          else spec[0], self.out_cls)
        except Exception:  # never fail a call that the ctypes path can make
            if os.environ.get("GRADC_DEBUG", "") not in ("", "0"):
                raise
            return None
        if native is None or spec is not None:
            return native
        miss = pycall.MISS

        def call(*args: Any) -> Any:
            r = native(*args)
            return r if r is miss else build(r)

        return call

    def _make_outputs(self) -> Callable[[], tuple[np.ndarray, ...]]:
        """Allocate the outputs; unrolled for 1-2 outputs (a comprehension costs ~0.2 us)."""
        specs = self.out_specs
        if len(specs) == 1:
            (c0, s0, d0), = specs
            return lambda: (c0(s0, d0),)
        if len(specs) == 2:
            (c0, s0, d0), (c1, s1, d1) = specs
            return lambda: (c0(s0, d0), c1(s1, d1))
        return lambda: tuple([c(s, d) for c, s, d in specs])

    def __call__(self, *args: Any) -> list[np.ndarray]:
        arrays: Sequence[np.ndarray] = args
        if len(args) != self.n_in or not all(
            type(a) is np.ndarray and a.dtype == dt and a.shape == shape and a.flags.c_contiguous
            for a, (shape, dt) in zip(args, self.in_types, strict=False)
        ):
            arrays = self.sig.check(args)  # raises on bad input; converts lists, non-contiguous
        outs = [cls(shape, dt) for cls, shape, dt in self.out_specs]
        ins_p = self.in_array(*[address(a) for a in arrays])
        outs_p = self.out_array(*[address(o) for o in outs])
        ws = self.sig.workspace() if self.sig.workspace_size else None
        # `arrays` and `outs` stay referenced until the call returns.
        self.entry(ins_p, outs_p, ws)
        return outs
