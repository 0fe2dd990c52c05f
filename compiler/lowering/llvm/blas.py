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
# Matrix-vector products: GEMM with one column packs (copies) the whole matrix first, which
# costs more than the product; GEMV streams it once. Optional: without them GEMM is used.
_OPTIONAL = {"gradc.sgemv": ("scipy_cblas_sgemv64_", "cblas_sgemv64_"),
             "gradc.dgemv": ("scipy_cblas_dgemv64_", "cblas_dgemv64_")}


def usable(op: Op) -> bool:
    """Whether this matmul can go to BLAS (float dtype, non-empty, library found)."""
    ct = op.results[0].type
    at = op.operands[0].type
    return (ct.dtype in (DType.float32, DType.float64) and ct.size > 0 and at.size > 0
            and bool(blas_symbols()))


def emit_gemm(ctx: Ctx, b: ir.IRBuilder, op: Op, c: ir.Value, a: ir.Value, bm: ir.Value) -> None:
    """C = op(A) @ op(B) with one cblas_?gemm call (alpha 1, beta 0: C is overwritten), or one
    cblas_?gemv call when C is a single column or row."""
    at, ct = op.operands[0].type, op.results[0].type
    ta, tb = bool(op.attrs.get("transpose_a", False)), bool(op.attrs.get("transpose_b", False))
    m, n = ct.shape
    k = at.shape[0] if ta else at.shape[1]
    emit_product(ctx, b, ct.dtype, ta, tb, (m, n, k), a, bm, c)


def emit_product(ctx: Ctx, b: ir.IRBuilder, dt: DType, ta: bool, tb: bool, mnk: tuple[int, int, int],
                 a: ir.Value, bm: ir.Value, c: ir.Value, beta: ir.Value | None = None) -> None:
    """C (m x n) = op(A) @ op(B) + beta*C for contiguous row-major operands (op(A) is m x k).

    beta None means 0 (C is not read). Row-blocked chains (rowblocks.py) call this on blocks of
    rows with beta 1 after the first block, so the product accumulates across blocks.
    """
    m, n, k = mnk
    fty = F32 if dt is DType.float32 else F64
    beta = beta if beta is not None else ir.Constant(fty, 0.0)
    gemv = "gradc.sgemv" if fty is F32 else "gradc.dgemv"
    if (n == 1 or m == 1) and gemv in blas_symbols():
        # A vector operand is contiguous whatever its transpose flag (one row or one column).
        if n == 1:  # c = op(A) @ v: A stored m x k (NoTrans) or k x m (Trans)
            _gemv(ctx, b, gemv, fty, ta, (k, m) if ta else (m, k), a, bm, c, beta)
        else:  # c = op(B)^T @ u: B stored k x n (Trans) or n x k (NoTrans)
            _gemv(ctx, b, gemv, fty, not tb, (n, k) if tb else (k, n), bm, a, c, beta)
        return
    name = "gradc.sgemm" if fty is F32 else "gradc.dgemm"
    fn = ctx.module.globals.get(name)
    if fn is None:
        sig = ir.FunctionType(VOID, [I32, I32, I32, I64, I64, I64, fty, PTR, I64, PTR, I64, fty, PTR, I64])
        fn = ir.Function(ctx.module, sig, name)
    lda = max(m if ta else k, 1)
    ldb = max(k if tb else n, 1)
    b.call(fn, [ir.Constant(I32, ROW_MAJOR), ir.Constant(I32, TRANS if ta else NO_TRANS),
                ir.Constant(I32, TRANS if tb else NO_TRANS), i64(m), i64(n), i64(k), ir.Constant(fty, 1.0),
                a, i64(lda), bm, i64(ldb), beta, c, i64(max(n, 1))])


def _gemv(ctx: Ctx, b: ir.IRBuilder, name: str, fty: ir.Type, trans: bool, shape: tuple[int, int],
          mat: ir.Value, vec: ir.Value, out: ir.Value, beta: ir.Value) -> None:
    """out = op(mat) @ vec + beta*out for a row-major `shape` matrix (alpha 1)."""
    fn = ctx.module.globals.get(name)
    if fn is None:
        sig = ir.FunctionType(VOID, [I32, I32, I64, I64, fty, PTR, I64, PTR, I64, fty, PTR, I64])
        fn = ir.Function(ctx.module, sig, name)
    rows, cols = shape
    b.call(fn, [ir.Constant(I32, ROW_MAJOR), ir.Constant(I32, TRANS if trans else NO_TRANS), i64(rows),
                i64(cols), ir.Constant(fty, 1.0), mat, i64(max(cols, 1)), vec, i64(1), beta, out, i64(1)])


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
    for alias, names in {**_CANDIDATES, **_OPTIONAL}.items():
        for nm in names:
            f = getattr(lib, nm, None)
            if f is not None:
                out[alias] = ctypes.cast(f, ctypes.c_void_p).value or 0
                break
    return out if all(a in out for a in _CANDIDATES) else {}


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
