"""Reductions over static axes (int, list or None = all) with keepdims."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..ir.types import DType, TensorType
from .common import NUMBERS, norm_axes, require_dtype
from .registry import Attrs, OpDef, Reduce, register


def _quiet() -> np.errstate:  # IEEE results (inf, nan) are the contract, not warnings
    return np.errstate(all="ignore")


def reduced_shape(shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> tuple[int, ...]:
    if keepdims:
        return tuple(1 if k in axes else d for k, d in enumerate(shape))
    return tuple(d for k, d in enumerate(shape) if k not in axes)


def _reduction(name: str, tf_type: str, fn: Callable[..., np.ndarray], spec: Reduce,
               allowed: tuple[DType, ...] = NUMBERS) -> OpDef:
    def infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
        require_dtype(types[0], allowed, tf_type, "input")
        axes = norm_axes(attrs.get("axes"), types[0].rank)
        attrs["axes"] = axes  # normalised once, at build time
        attrs["keepdims"] = bool(attrs.get("keepdims", False))
        return [TensorType(reduced_shape(types[0].shape, axes, attrs["keepdims"]), types[0].dtype)]

    def kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
        with _quiet():
            r = fn(xs[0], axis=tuple(attrs["axes"]), keepdims=attrs["keepdims"])
        return [np.asarray(r).astype(xs[0].dtype, copy=False)]

    return register(OpDef(name, tf_type, infer, kernel, spec, attr_names=("axes", "keepdims")))


_reduction("sum", "Sum", np.sum, Reduce("add"))
_reduction("mean", "Mean", np.mean, Reduce("add", mean=True))
_reduction("max", "Max", np.max, Reduce("max"))
_reduction("min", "Min", np.min, Reduce("min"))
_reduction("prod", "Prod", np.prod, Reduce("mul"))
