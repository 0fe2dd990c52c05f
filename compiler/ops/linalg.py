"""Linear algebra: the 2-D MatMul (TF's MatMul op, with transpose_a / transpose_b attrs)."""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ..ir.types import TensorType
from .common import NUMBERS, require_dtype, same_dtype
from .registry import Attrs, MatMul, OpDef, register


def _matmul_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    a, b = types
    for t in (a, b):
        if t.rank > 2:
            # tf.matmul would switch to BatchMatMulV2; gradc's surface is 2-D only.
            raise ShapeError(f"gradc's matmul takes 2-D operands, got rank {t.rank} "
                             "(batched matmul is not supported)")
        if t.rank < 2:
            raise ShapeError(f"Shape must be rank 2 but is rank {t.rank}")
    dt = same_dtype(types, "MatMul", ("a", "b"))
    require_dtype(a, NUMBERS, "MatMul", "a")
    ta, tb = bool(attrs.get("transpose_a", False)), bool(attrs.get("transpose_b", False))
    attrs["transpose_a"], attrs["transpose_b"] = ta, tb
    m, ka = (a.shape[1], a.shape[0]) if ta else a.shape
    kb, n = (b.shape[1], b.shape[0]) if tb else b.shape
    if ka != kb:
        raise ShapeError(f"Dimensions must be equal, but are {ka} and {kb}")
    return [TensorType((m, n), dt)]


def _matmul_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    a = xs[0].T if attrs["transpose_a"] else xs[0]
    b = xs[1].T if attrs["transpose_b"] else xs[1]
    return [np.matmul(a, b).astype(xs[0].dtype, copy=False)]


register(OpDef("matmul", "MatMul", _matmul_infer, _matmul_kernel, MatMul(),
               attr_names=("transpose_a", "transpose_b")))
