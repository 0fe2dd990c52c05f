"""`gradc.load(path)`: call an AOT shared library from Python through its plain C ABI.

The library describes itself: `gradc_<name>_info()` returns JSON with the input and output
names, shapes, dtypes and the result nesting, and the weak `gradc_default_function()` names
the function of a library built by `gradc compile --emit so`. No gradc compiler code runs:
arrays go in as `gradc_tensor`s, the C wrapper checks them, and a nonzero status becomes a
ValueError.

Nothing is mapped before the file is verified (runtime/aot_artifact.py): it must end with an
intact gradc trailer (size, format version, SHA-256), be built for this host's triple, and
need no CPU feature this host lacks; otherwise AotLoadError, instead of a SIGBUS or SIGILL.
The verified bytes are then loaded from a private in-memory copy (memfd, or a fresh temporary
file), so the library that runs is exactly the one checked even if the file changes later.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import os
import tempfile
from typing import Any

import numpy as np

from .aot_artifact import AotLoadError, check_host, read_sealed
from .cheader import ABI_VERSION, DTYPE_CODE, STATUS

_CODE_OF = {d.np: c for d, c in DTYPE_CODE.items()}
_STATUS_NAME = {v: k for k, v in STATUS.items()}


class CTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("rank", ctypes.c_int64),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("dtype", ctypes.c_int32)]


def _rebuild(t: Any, outs: list[np.ndarray]) -> Any:
    if t is None:
        return None
    if isinstance(t, int):
        return outs[t]
    (kind, items), = t.items()
    if kind == "dict":
        return {k: _rebuild(v, outs) for k, v in items}
    seq = [_rebuild(v, outs) for v in items]
    return tuple(seq) if kind == "tuple" else seq


def _fmt(shape: Any, dtype: Any) -> str:
    return f"{np.dtype(dtype).name}[{','.join(map(str, shape))}]"


class AotFunction:
    """A function from an AOT library: call it on NumPy arrays, get NumPy arrays back."""

    def __init__(self, lib: ctypes.CDLL, info: dict[str, Any]) -> None:
        if info.get("abi") != ABI_VERSION:
            raise AotLoadError(f"gradc function {info.get('name')!r} has C ABI version {info.get('abi')}, "
                               f"this gradc calls version {ABI_VERSION}: rebuild it with this gradc")
        self.lib = lib  # keeps the library mapped while the function lives
        self.info = info
        self.name: str = info["name"]
        self.in_types = [(tuple(t["shape"]), np.dtype(t["dtype"])) for t in info["inputs"]]
        self.out_types = [(tuple(t["shape"]), np.dtype(t["dtype"])) for t in info["outputs"]]
        self._entry = getattr(lib, info["symbol"])
        self._entry.restype = ctypes.c_int32
        self._entry.argtypes = [ctypes.POINTER(CTensor), ctypes.c_int64, ctypes.POINTER(CTensor), ctypes.c_int64]

    def __call__(self, *args: Any) -> Any:
        arrays = []
        for i, a in enumerate(args):
            if not isinstance(a, (np.ndarray, np.generic)) and i < len(self.in_types):
                a = np.asarray(a, self.in_types[i][1])  # Python scalars/lists take the declared dtype
            # Not np.ascontiguousarray: it turns a rank-0 array into rank 1.
            arrays.append(np.asarray(a, order="C"))
        outs = [np.empty(s, d) for s, d in self.out_types]
        ins_c, keep_in = self._tensors(arrays)
        outs_c, keep_out = self._tensors(outs)
        status = self._entry(ins_c, len(arrays), outs_c, len(outs))
        del keep_in, keep_out
        if status != 0:
            want = ", ".join(f"{t['name']}: {_fmt(t['shape'], t['dtype'])}" for t in self.info["inputs"])
            got = ", ".join(_fmt(a.shape, a.dtype) for a in arrays)
            raise ValueError(f"{self.name}: {_STATUS_NAME.get(status, 'unknown status')} (status {status}): "
                             f"expected ({want}), got ({got})")
        return _rebuild(self.info["structure"], outs)

    @staticmethod
    def _tensors(arrays: list[np.ndarray]) -> tuple[Any, list[Any]]:
        cts = (CTensor * max(len(arrays), 1))()
        keep: list[Any] = []
        for ct, a in zip(cts, arrays):
            shape = (ctypes.c_int64 * max(a.ndim, 1))(*a.shape)
            keep.append(shape)
            ct.data = a.ctypes.data
            ct.rank = a.ndim
            ct.shape = ctypes.cast(shape, ctypes.POINTER(ctypes.c_int64))
            ct.dtype = _CODE_OF.get(a.dtype, 0)  # 0: no gradc dtype, the wrapper says GRADC_BAD_DTYPE
        return cts, keep

    def __repr__(self) -> str:
        ins = ", ".join(f"{t['name']}: {_fmt(t['shape'], t['dtype'])}" for t in self.info["inputs"])
        return f"<AotFunction {self.name}({ins})>"


def _host() -> tuple[str, dict[str, bool]]:
    """This process's LLVM triple and CPU features (llvmlite is imported only here)."""
    import llvmlite.binding as llvm

    try:
        features = dict(llvm.get_host_cpu_features())
    except RuntimeError:  # LLVM cannot tell on this platform: only feature-free code is loaded
        features = {}
    return llvm.get_process_triple(), features


# memfds of loaded libraries, kept open: the dynamic loader knows a library by its path
# (/proc/self/fd/N) and would hand back the old library if N were reused. ctypes never
# unloads a library, so this is one descriptor per library for the life of the process.
_LIBRARY_FDS: list[int] = []
_SERIAL = itertools.count()


def _dlopen(payload: bytes, source: str) -> ctypes.CDLL:
    """Load verified library bytes from a private copy that nobody else can change."""
    errors = []
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("gradc-aot", os.MFD_CLOEXEC)
        try:
            _write_all(fd, payload)
            lib = ctypes.CDLL(f"/proc/self/fd/{fd}")
            _LIBRARY_FDS.append(fd)
            return lib
        except OSError as e:  # no /proc, or memfd mapping refused: use a temporary file
            errors.append(str(e))
            os.close(fd)
    # A name unique in this process (same reason as above), mode 0600: this user's file.
    fd, tmp = tempfile.mkstemp(prefix=f"gradc-aot-{os.getpid()}-{next(_SERIAL)}-", suffix=".so")
    try:
        _write_all(fd, payload)
        os.close(fd)
        fd = -1
        return ctypes.CDLL(tmp)
    except OSError as e:
        errors.append(str(e))
        raise AotLoadError(f"{source}: the shared library could not be loaded: {'; '.join(errors)}") from None
    finally:
        if fd >= 0:
            os.close(fd)
        os.unlink(tmp)  # the mapping stays valid


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def load(path: str | os.PathLike[str], name: str | None = None) -> AotFunction:
    """Load the function `name` (default: the library's only one) from an AOT shared library.

    The file is verified before it is mapped (see the module docstring); AotLoadError (a
    ValueError) says why a file is refused.
    """
    source = os.fspath(path)
    payload, meta = read_sealed(path)
    if meta.kind != "shared":
        raise AotLoadError(f"{source} is a gradc AOT {meta.kind} file, for linking into C programs; gradc.load "
                           "needs a shared library (gradc compile --emit so)")
    check_host(meta, source, *_host())
    lib = _dlopen(payload, source)
    if name is None:
        try:
            getter = lib.gradc_default_function
        except AttributeError:
            raise AotLoadError(f"{path} has no gradc_default_function: pass the function's name") from None
        getter.restype = ctypes.c_char_p
        name = getter().decode()
    try:
        info_fn = getattr(lib, f"gradc_{name}_info")
    except AttributeError:
        raise AotLoadError(f"{path} has no gradc function {name!r}") from None
    info_fn.restype = ctypes.c_char_p
    return AotFunction(lib, json.loads(info_fn().decode()))
