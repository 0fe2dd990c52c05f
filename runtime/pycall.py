"""A compiled signature as a CPython builtin: the whole cached call in native code, no ctypes.

One LLVM function (text: pycall_ir.py), compiled once (and cached on disk), has CPython's METH_FASTCALL signature
`PyObject *call(PyObject *self, PyObject *const *args, Py_ssize_t nargs)`. `build_builtin` wraps
it, per compiled signature, in a real `builtin_function_or_method` (`PyCFunction_NewEx`) whose
`self` is a read-only uint64 array: the signature's descriptor (layout below), the PyMethodDef,
its name and the workspace, all in one buffer the builtin keeps alive. The interpreter calls
the builtin directly, without ctypes' argument conversion or GIL release. `call`:

1. checks the argument count and, per argument, exact type (ndarray or the output class),
   dtype (the canonical descriptor object), rank, every dimension and the C-contiguous and
   aligned flags; any mismatch returns `MISS` (a new reference): Python takes the checked path;
2. builds the result top-down from a preorder node list (None, a fresh output array from
   NumPy's `PyArray_NewFromDescr`, a list or tuple via the C API), handing each node to its
   parent at once, so after an allocation failure one `Py_DecRef` of the root frees everything
   and NULL is returned with the exception set;
3. calls the entry `void f(ptr in, ptr out, ptr ws)` and returns the root (a new reference).

The GIL stays held (builtins run with it), so one workspace per signature is safe: no Python
code runs while the entry uses it (allocations, which may run a GC, come first). Holding the
GIL blocks other threads for the call, so only small functions (what NumPy, too, runs without
releasing it) get a builtin; large ones keep the GIL-releasing ctypes entry, whose overhead is
noise for them. Reference counts change only through the exported `Py_IncRef`/`Py_DecRef`.
The object layout (ob_type, the ndarray fields) and the NumPy API entry are probed once on
live objects; on any surprise `available()` is False and callers keep the ctypes path.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

# The dispatcher's IR text and the layout it shares with the descriptors built here.
from .pycall_ir import (
    _ALIGNED,
    _C_CONTIGUOUS,
    _DATA,
    _DESCR,
    _DIMS,
    _FLAGS,
    _HEADER,
    _LIST,
    _ND,
    _NONE,
    _OUT,
    _TUPLE,
    _TYPE,
    _ir,
)

MAX_BYTES = 1 << 18  # inputs + outputs + workspace above this: keep the GIL-releasing ctypes entry
_ALIGN = 64
_METH_FASTCALL = 0x80
_NEW_FROM_DESCR = 94  # index of PyArray_NewFromDescr in NumPy's C API table (1.x and 2.x)

Spec = Any
"""Result structure: an int (output index, each used once), None, or a list/tuple of specs."""


class _Miss:
    """The sentinel a builtin returns when the arguments are not its exact signature."""

    def __repr__(self) -> str:
        return "gradc.MISS"


MISS = _Miss()
_KEEP: dict[int, Any] = {}  # objects whose addresses descriptors hold (types, dtypes): never freed


def _addr(fn: Any) -> int:
    return ctypes.cast(fn, ctypes.c_void_p).value or 0


def _numpy_api() -> int:
    """Address of NumPy's C API function table (the `_ARRAY_API` capsule)."""
    try:
        from numpy._core import _multiarray_umath as mu  # NumPy 2
    except ImportError:  # pragma: no cover - NumPy 1.x
        from numpy.core import _multiarray_umath as mu  # type: ignore[no-redef]
    cap = mu._ARRAY_API
    # Private prototypes: setting argtypes on `ctypes.pythonapi.X` would change them for everyone.
    get_name = ctypes.PYFUNCTYPE(ctypes.c_char_p, ctypes.py_object)(("PyCapsule_GetName", ctypes.pythonapi))
    get_ptr = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
        ("PyCapsule_GetPointer", ctypes.pythonapi))
    return get_ptr(cap, get_name(cap)) or 0


def _probe() -> dict[str, int] | None:
    """Check every layout assumption on live objects and that the API entry makes arrays;
    the API addresses for the descriptor header, or None."""
    if sys.implementation.name != "cpython" or sys.maxsize != 2**63 - 1 or not np.little_endian:
        return None
    if "t" in getattr(sys, "abiflags", ""):  # free-threaded build: another object header
        return None
    rd = ctypes.c_void_p.from_address
    a = np.zeros((2, 3), np.float32)
    nd = ctypes.c_int.from_address(id(a) + _ND).value
    dims = ctypes.cast(rd(id(a) + _DIMS).value, ctypes.POINTER(ctypes.c_ssize_t))
    flags = ctypes.c_int.from_address(id(a) + _FLAGS).value
    if (rd(id(a) + _TYPE).value != id(np.ndarray) or rd(id(a) + _DATA).value != a.ctypes.data
            or nd != 2 or (dims[0], dims[1]) != (2, 3) or rd(id(a) + _DESCR).value != id(a.dtype)
            or a.dtype is not np.dtype(np.float32) or flags != a.flags.num
            or flags & (_C_CONTIGUOUS | _ALIGNED) != _C_CONTIGUOUS | _ALIGNED):
        return None
    if ctypes.c_int.from_address(id(a[:, ::2]) + _FLAGS).value & _C_CONTIGUOUS:
        return None
    table = _numpy_api()
    if not table:
        return None
    new = ctypes.c_void_p.from_address(table + 8 * _NEW_FROM_DESCR).value or 0
    proto = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
                              ctypes.POINTER(ctypes.c_ssize_t), ctypes.c_void_p, ctypes.c_void_p,
                              ctypes.c_int, ctypes.c_void_p)
    descr = np.dtype(np.float64)
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(descr))  # NewFromDescr steals one reference
    made = proto(new)(id(np.ndarray), id(descr), 2, (ctypes.c_ssize_t * 2)(4, 5), None, None, 0, None)
    if type(made) is not np.ndarray or made.shape != (4, 5) or made.dtype is not descr:
        return None
    api = ctypes.pythonapi
    return {"new": new, "list_new": _addr(api.PyList_New), "tuple_new": _addr(api.PyTuple_New),
            "list_set": _addr(api.PyList_SetItem), "tuple_set": _addr(api.PyTuple_SetItem),
            "incref": _addr(api.Py_IncRef), "decref": _addr(api.Py_DecRef),
            "miss": id(MISS), "none": id(None)}


_STATE: dict[str, Any] = {}


def available() -> bool:
    """Whether builtins can be made in this interpreter (probed once)."""
    if "api" not in _STATE:
        try:
            _STATE["api"] = _probe()
        except Exception:  # any surprise in the probe: keep the ctypes path
            _STATE["api"] = None
    return _STATE["api"] is not None


def _object_path(llvm: Any, triple: str) -> Path | None:
    """Where the compiled dispatcher is cached: next to pyparse's trees (GRADC_CACHE=0: none)."""
    if os.environ.get("GRADC_CACHE", "1") == "0":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.sha256(f"{llvm.llvm_version_info}\0{triple}\0{_ir()}".encode()).hexdigest()
    return Path(base) / "gradc" / "native" / f"fastcall-{key[:32]}.o"


def _object_code(llvm: Any, triple: str, data_layout: str) -> bytes:
    """The dispatcher's object code, from the disk cache or compiled (and cached).

    Code generation is at -O0: LLVM's optimising back end spends ~10 ms on this loop-and-switch
    function (more than a small program's whole compile), -O0 1-3 ms, and the per-call cost is
    the same within noise. The object holds no addresses (they are all in the descriptor), so
    it is valid in any process; a cache file is its SHA-256 then the object, checked on load.
    """
    path = _object_path(llvm, triple)
    if path is not None:
        try:
            blob = path.read_bytes()
            if hashlib.sha256(blob[32:]).digest() == blob[:32]:
                return blob[32:]
        except OSError:
            pass
    # The generic CPU: integer code only, and the object stays valid on any host of the triple.
    tm0 = llvm.Target.from_triple(triple).create_target_machine(opt=0, jit=True)
    mod = llvm.parse_assembly(_ir())
    mod.triple = triple
    mod.data_layout = data_layout
    mod.verify()
    obj: bytes = tm0.emit_object(mod)
    if path is not None:
        try:
            import tempfile

            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent)  # atomic: no process sees half a file
            with os.fdopen(fd, "wb") as fh:
                fh.write(hashlib.sha256(obj).digest() + obj)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home directory only costs the cache
    return obj


def _dispatcher() -> int:
    """Address of `gradc.fastcall`, loaded into jit's engine once (under jit's lock: a second
    definition of the symbol in the engine would be an error)."""
    if "fastcall" not in _STATE:
        import llvmlite.binding as llvm

        from .jit import _engine, _lock

        with _lock:
            if "fastcall" not in _STATE:
                engine, tm = _engine()
                obj = _object_code(llvm, tm.triple, str(tm.target_data))
                engine.add_object_file(llvm.ObjectFileRef.from_data(obj))
                address = engine.get_function_address("gradc.fastcall")
                if not address:
                    raise RuntimeError("JIT did not produce gradc.fastcall")
                _STATE["fastcall"] = address
    return int(_STATE["fastcall"])


def spec_of(template: Any) -> tuple[Spec] | None:
    """The frontend's result template (None, lists, tuples, `("out", i)` leaves; function.py) as
    a spec, boxed in a 1-tuple; None when only Python can build it (dicts, print outputs)."""

    def conv(t: Any) -> Spec:
        if t is None:
            return None
        if type(t) is tuple and len(t) == 2 and t[0] == "out" and isinstance(t[1], int):
            return t[1]
        if type(t) in (list, tuple):
            return type(t)(conv(x) for x in t)
        raise ValueError(t)

    try:
        return (conv(template),)
    except ValueError:
        return None


def _nodes(spec: Spec) -> list[tuple[int, int, int, int]]:
    """Preorder (kind, arg, parent, position): every parent precedes its children."""
    out: list[tuple[int, int, int, int]] = []

    def walk(s: Spec, parent: int, pos: int) -> None:
        me = len(out)
        if s is None:
            out.append((_NONE, 0, parent, pos))
        elif isinstance(s, int):
            out.append((_OUT, s, parent, pos))
        else:
            out.append((_LIST if isinstance(s, list) else _TUPLE, len(s), parent, pos))
            for i, c in enumerate(s):
                walk(c, me, i)

    walk(spec, -1, 0)
    return out


def build_builtin(name: str, entry: int, in_types: Sequence[tuple[tuple[int, ...], Any]],
                  out_types: Sequence[tuple[tuple[int, ...], Any]], workspace_size: int, spec: Spec,
                  out_cls: type[np.ndarray] = np.ndarray) -> Callable[..., Any] | None:
    """A builtin running the entry at `entry` for exactly these input types, returning `spec`'s
    structure of fresh `out_cls` arrays (or MISS); None when not available or too large."""
    ins = [(tuple(int(d) for d in s), np.dtype(t)) for s, t in in_types]
    outs = [(tuple(int(d) for d in s), np.dtype(t)) for s, t in out_types]
    nodes = _nodes(spec)
    used = sorted(n[1] for n in nodes if n[0] == _OUT)
    if used != list(range(len(outs))) or not available():
        return None
    if any(dt.byteorder not in "=|" or dt.hasobject for _, dt in ins + outs):
        return None
    if sum(int(np.prod(s)) * dt.itemsize for s, dt in ins + outs) + workspace_size > MAX_BYTES:
        return None
    _KEEP.update((id(x), x) for x in (out_cls, *(dt for _, dt in ins + outs)))
    words: list[int] = [0] * len(_HEADER)
    head = dict(_STATE["api"], entry=entry, n_in=len(ins), n_out=len(outs), n_nodes=len(nodes),
                type0=id(np.ndarray), type1=id(out_cls))
    records = []
    for shape, dt in ins + outs:
        records.append((id(dt), len(shape), len(words)))
        words += shape
    head["in_off"] = len(words)
    head["out_off"] = len(words) + 3 * len(ins)
    words += [w for r in records for w in r]
    head["node_off"] = len(words)
    words += [w & (2**64 - 1) for n in nodes for w in n]  # parent -1 as two's complement
    for k, v in head.items():
        if k in _HEADER:
            words[_HEADER.index(k)] = v
    md_at = len(words)  # PyMethodDef {name, meth, flags, doc}, then the name, then the workspace
    cname = name.encode("utf-8", "replace")[:200] + b"\0"
    words += [0, _dispatcher(), _METH_FASTCALL, 0]
    name_at = len(words)
    words += list(np.frombuffer(cname.ljust(-(-len(cname) // 8) * 8, b"\0"), np.uint64))
    ws_at = len(words)
    buf = np.zeros(len(words) + (workspace_size + 2 * _ALIGN) // 8, np.uint64)
    base = buf.ctypes.data
    ws = base + 8 * ws_at
    ws += (-ws) % _ALIGN
    words[_HEADER.index("ws")] = ws if workspace_size else 0
    words[md_at] = base + 8 * name_at
    buf[: len(words)] = np.array(words, dtype=np.uint64)
    buf.flags.writeable = False  # the native code writes the workspace; nothing else does
    new = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.py_object, ctypes.c_void_p)(
        ("PyCFunction_NewEx", ctypes.pythonapi))
    fn: Callable[..., Any] = new(base + 8 * md_at, buf, None)  # owns `buf`: the def, name, data
    return fn
