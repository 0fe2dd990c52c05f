"""Reductions of the surface: reduce_sum/mean/max/min/prod and reduce_logsumexp.

TF's `_ReductionDims` builds `Const` (rank >= 1) or `Rank` + `range` (rank 0) when `axis` is
None; gradc keeps axes as attrs but consumes those names so later ops are named as in TF.
"""

from __future__ import annotations

from typing import Any

from ..tensor import EagerTensor, Tensor
from ..tracing import dtype_of, static_value, to_array
from .opscope import OpScope, call, reserve


def _axis(axis: Any) -> Any:
    """Axis as an int, a tuple of ints or None (eager tensors and arrays are unwrapped)."""
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        known = static_value(axis)
        if known is None:
            raise TypeError(f"axis must be known while staging: {axis.name} is computed at run time")
        axis = known
    if isinstance(axis, EagerTensor) or hasattr(axis, "tolist"):
        axis = to_array(axis).tolist()
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(axis)


def _rank(x: Any) -> int:
    if isinstance(x, (Tensor, EagerTensor)):
        return len(x.shape)
    return to_array(x, None).ndim


def _reduce(opdef: str, x: Any, axis: Any, keepdims: Any, name: str) -> Any:
    if axis is None:
        reserve("Const") if _rank(x) else reserve("Rank", "range")
    attrs = {"axes": _axis(axis), "keepdims": bool(keepdims)}
    return call(opdef, [x], name, attrs, args=("input",), dtype=None)


def reduce_sum(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Any:
    return _reduce("sum", input_tensor, axis, keepdims, name or "Sum")


def reduce_mean(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Any:
    """Mean over axes; integer tensors get TF's truncating integer mean."""
    return _reduce("mean", input_tensor, axis, keepdims, name or "Mean")


def reduce_max(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Any:
    return _reduce("max", input_tensor, axis, keepdims, name or "Max")


def reduce_min(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Any:
    return _reduce("min", input_tensor, axis, keepdims, name or "Min")


def reduce_prod(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Any:
    return _reduce("prod", input_tensor, axis, keepdims, name or "Prod")


def reduce_logsumexp(input_tensor: Any, axis: Any = None, keepdims: bool = False,
                     name: str | None = None) -> Any:
    """TF's formula: log(sum(exp(x - m))) + m with m = stop_gradient(max, non-finite -> 0).

    Subtracting the stopped max keeps exp from overflowing and makes the gradient exactly
    softmax (ties and -inf entries included).
    """
    from . import math_ops as m
    from .array_ops import reshape, stop_gradient, zeros_like

    with OpScope(name or "ReduceLogSumExp") as s:
        x = s.convert(input_tensor, None, "input_tensor")
        raw_max = reduce_max(x, axis=axis, keepdims=True)
        # is_finite(raw_max) without a dedicated op: |m| < inf is false for inf and nan.
        finite = m.less(m.abs(raw_max), float("inf"), name="IsFinite")
        my_max = stop_gradient(m.where(finite, raw_max, zeros_like(raw_max), name="Select"))
        result = m.log(reduce_sum(m.exp(m.subtract(x, my_max)), axis=axis, keepdims=keepdims))
        if not keepdims:
            reserve("Shape")
            my_max = reshape(my_max, list(result.shape))
    assert dtype_of(result) is not None
    return m.add(result, my_max, name=s.final_name())
