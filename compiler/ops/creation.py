"""Ops that create tensors: constant (data in attrs) and fill (a scalar operand, static dims)."""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ..ir.types import DType, TensorType
from .registry import Attrs, ConstantData, Elementwise, OpDef, register


def _const_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    v = np.asarray(attrs["value"])
    return [TensorType(tuple(int(d) for d in v.shape), DType.from_np(v.dtype))]


def _const_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    return [np.array(attrs["value"], copy=True)]


register(OpDef("constant", "Const", _const_infer, _const_kernel, ConstantData(), differentiable=False,
               attr_names=("value",)))


def _fill_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    if types[0].rank != 0:
        raise ShapeError(f"Shape must be rank 0 but is rank {types[0].rank}")
    dims = tuple(int(d) for d in attrs["dims"])
    if any(d < 0 for d in dims):
        raise ShapeError(f"Fill dims must be non-negative, got {list(dims)}")
    return [TensorType(dims, types[0].dtype)]


def _fill_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    return [np.full(tuple(attrs["dims"]), xs[0], dtype=xs[0].dtype)]


# Fill broadcasts its scalar operand to `dims`: an elementwise copy with a broadcast read.
register(OpDef("fill", "Fill", _fill_infer, _fill_kernel, Elementwise("identity"), attr_names=("dims",)))
