"""Matmul through an optimised GEMM: numpy's bundled OpenBLAS (cblas, ILP64 interface).

The lowering calls private aliases `gradc.sgemm` / `gradc.dgemm` with the cblas signature
(row-major order, transpose flags folded from the op's attrs, 64-bit integer dimensions);
`runtime.jit` maps them to the library numpy already loaded (`blas_symbols()`). Integer and
bool matmuls, empty matrices and `blas=False` lowerings (AOT objects must not depend on numpy's
OpenBLAS) use the loop kernel instead.
"""

from __future__ import annotations

import ctypes
import functools

from llvmlite import ir

from gradc.compiler.ir.core import Op
from gradc.compiler.ir.types import DType

from .common import F32, F64, I32, I64, PTR, VOID, Ctx, i64

ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112
# Exported names to try per precision: numpy's wheels ship scipy-openblas (ILP64, suffixed);
# a system OpenBLAS build exports plain cblas names (then with 32-bit ints: not used).
_CANDIDATES = {"gradc.sgemm": ("scipy_cblas_sgemm64_", "cblas_sgemm64_"),
               "gradc.dgemm": ("scipy_cblas_dgemm64_", "cblas_dgemm64_")}


def usable(op: Op) -> bool:
    """Whether this matmul can go to BLAS (float dtype, non-empty, library found)."""
    ct = op.results[0].type
    at = op.operands[0].type
    return (ct.dtype in (DType.float32, DType.float64) and ct.size > 0 and at.size > 0
            and bool(blas_symbols()))


def emit_gemm(ctx: Ctx, b: ir.IRBuilder, op: Op, c: ir.Value, a: ir.Value, bm: ir.Value) -> None:
    """C = op(A) @ op(B) with one cblas_?gemm call (alpha 1, beta 0: C is overwritten)."""
    at, ct = op.operands[0].type, op.results[0].type
    ta, tb = bool(op.attrs.get("transpose_a", False)), bool(op.attrs.get("transpose_b", False))
    m, n = ct.shape
    k = at.shape[0] if ta else at.shape[1]
    fty = F32 if ct.dtype is DType.float32 else F64
    name = "gradc.sgemm" if fty is F32 else "gradc.dgemm"
    fn = ctx.module.globals.get(name)
    if fn is None:
        sig = ir.FunctionType(VOID, [I32, I32, I32, I64, I64, I64, fty, PTR, I64, PTR, I64, fty, PTR, I64])
        fn = ir.Function(ctx.module, sig, name)
    lda = m if ta else k
    ldb = k if tb else n
    b.call(fn, [ir.Constant(I32, ROW_MAJOR), ir.Constant(I32, TRANS if ta else NO_TRANS),
                ir.Constant(I32, TRANS if tb else NO_TRANS), i64(m), i64(n), i64(k), ir.Constant(fty, 1.0),
                a, i64(lda), bm, i64(ldb), ir.Constant(fty, 0.0), c, i64(n)])


@functools.cache
def blas_symbols() -> dict[str, int]:
    """Alias -> address of the GEMMs in the OpenBLAS numpy loaded ({} if none is found)."""
    path = _openblas_path()
    if path is None:
        return {}
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        return {}
    out: dict[str, int] = {}
    for alias, names in _CANDIDATES.items():
        for nm in names:
            f = getattr(lib, nm, None)
            if f is not None:
                out[alias] = ctypes.cast(f, ctypes.c_void_p).value or 0
                break
    return out if len(out) == len(_CANDIDATES) else {}


def _openblas_path() -> str | None:
    """The OpenBLAS shared object mapped into this process (numpy links it at import)."""
    import numpy  # noqa: F401  (make sure it is loaded)

    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if "openblas" in path.lower() and ".so" in path:
                    return path
    except OSError:
        pass
    return None
