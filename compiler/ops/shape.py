"""Layout ops: each result is a strided view of its operand (see registry.ViewMap)."""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ..ir.types import TensorType
from .common import contiguous_strides
from .registry import Attrs, OpDef, View, ViewMap, register


def _reshape_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    shape = [int(d) for d in attrs["shape"]]
    n = types[0].size
    if shape.count(-1) > 1:
        raise ShapeError(f"Cannot infer shape: only one -1 allowed in {shape}")
    if -1 in shape:
        known = int(np.prod([d for d in shape if d != -1]))
        if known == 0 or n % known:
            raise ShapeError(f"Cannot reshape a tensor with {n} elements to shape {shape}")
        shape[shape.index(-1)] = n // known
    if int(np.prod(shape)) != n:
        raise ShapeError(
            f"Cannot reshape a tensor with {n} elements to shape {shape} "
            f"({int(np.prod(shape))} elements)"
        )
    attrs["shape"] = tuple(shape)
    return [TensorType(tuple(shape), types[0].dtype)]


def _reshape_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    return [xs[0].reshape(attrs["shape"]).copy()]


def _reshape_view(ins: list[TensorType], outs: list[TensorType], attrs: Attrs) -> list[ViewMap]:
    return [ViewMap(outs[0].shape, contiguous_strides(outs[0].shape))]


register(OpDef("reshape", "Reshape", _reshape_infer, _reshape_kernel, View(_reshape_view),
               attr_names=("shape",)))
