"""Linear algebra: 2-D MatMul (transpose_a / transpose_b) and batched BatchMatMulV3 (adj_x / adj_y).

The batched op broadcasts its batch dims as TensorFlow does and lowers by expansion into 2-D
matmuls, so the native (BLAS) and MLIR paths need nothing new.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..ir.types import TensorType
from .common import NUMBERS, broadcast_shapes, require_dtype, same_dtype
from .registry import Attrs, Expand, MatMul, OpDef, register


def _matmul_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    a, b = types
    for t in (a, b):
        if t.rank > 2:  # tf.matmul switches to batch_matmul for these (frontend/api/math_ops.py)
            raise ShapeError(f"MatMul takes 2-D operands, got rank {t.rank}; use batch_matmul")
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


# -- batched matmul (TF's BatchMatMulV3: rank > 2, batch dims broadcast) -------------------------


def _bmm_dims(types: list[TensorType], attrs: Attrs) -> tuple[tuple[int, ...], int, int]:
    a, b = types
    for t in (a, b):
        if t.rank < 2:
            raise ShapeError(f"In[{types.index(t)}] ndims must be >= 2: {t.rank}")
    ax, ay = bool(attrs.get("adj_x", False)), bool(attrs.get("adj_y", False))
    attrs["adj_x"], attrs["adj_y"] = ax, ay
    m, ka = (a.shape[-1], a.shape[-2]) if ax else a.shape[-2:]
    kb, n = (b.shape[-1], b.shape[-2]) if ay else b.shape[-2:]
    if ka != kb:
        raise ShapeError(f"Matrix size-incompatible: In[0]: {list(a.shape)}, In[1]: {list(b.shape)}")
    return broadcast_shapes(a.shape[:-2], b.shape[:-2]), m, n


def _bmm_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    dt = same_dtype(types, "BatchMatMulV3", ("x", "y"))
    require_dtype(types[0], NUMBERS, "BatchMatMulV3", "x")
    batch, m, n = _bmm_dims(types, attrs)
    return [TensorType((*batch, m, n), dt)]


def _bmm_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    a = np.swapaxes(xs[0], -1, -2) if attrs["adj_x"] else xs[0]
    b = np.swapaxes(xs[1], -1, -2) if attrs["adj_y"] else xs[1]
    return [np.matmul(a, b).astype(xs[0].dtype, copy=False)]


def _bmm_expand(b: Any, op: Any) -> list[Any]:
    """One 2-D matmul per batch element (slices of the broadcast operands), stacked back."""
    x, y = op.operands
    out = op.result.type.shape
    batch = out[:-2]
    pieces = []
    for idx in np.ndindex(*batch) if batch else [()]:
        mats = []
        for v in (x, y):
            shape = v.type.shape
            lead = len(batch) - (v.type.rank - 2)
            sub = tuple(0 if shape[k - lead] == 1 else idx[k] for k in range(lead, len(batch)))
            begin = (*sub, 0, 0)
            size = (*(1,) * len(sub), *shape[-2:])
            s = b.emit("slice", v, name="Slice", begin=begin, size=size)
            mats.append(b.emit("reshape", s, name="Reshape", shape=shape[-2:]))
        pieces.append(b.emit("matmul", mats[0], mats[1], name="MatMul",
                             transpose_a=op.attrs["adj_x"], transpose_b=op.attrs["adj_y"]))
    stacked = pieces[0] if len(pieces) == 1 else b.emit("pack", *pieces, name="stack", axis=0)
    return [b.emit("reshape", stacked, name="Reshape", shape=out)]


register(OpDef("batch_matmul", "BatchMatMulV3", _bmm_infer, _bmm_kernel, Expand(_bmm_expand),
               attr_names=("adj_x", "adj_y")))
