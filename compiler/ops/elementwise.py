"""Elementwise ops: unary, binary (NumPy broadcasting), comparisons, logic, select, AddN, cast.

Each lowers as `Elementwise(<op name>)`: the lowering looks up the scalar emitter of the same
name. Kernels compute in the operands' dtype, as TensorFlow does (no promotion).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import DTypeError, ShapeError
from ..ir.types import DType, TensorType
from .common import ALL, FLOATS, NUMBERS, broadcast_shapes, require_dtype, same_dtype
from .registry import Attrs, Elementwise, OpDef, register


def _quiet() -> np.errstate:  # IEEE results (inf, nan) are the contract, not warnings
    return np.errstate(all="ignore")


def _binary(
    name: str,
    tf_type: str,
    fn: Callable[..., np.ndarray],
    allowed: tuple[DType, ...] = NUMBERS,
    out_dtype: DType | None = None,
    differentiable: bool = True,
    arg_names: tuple[str, str] = ("x", "y"),
    same_shape: bool = False,
) -> OpDef:
    def infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
        dt = same_dtype(types, tf_type, arg_names)
        require_dtype(types[0], allowed, tf_type)
        if same_shape and types[0].shape != types[1].shape:  # TF's fused *Grad kernels don't broadcast
            raise ShapeError(f"{tf_type} needs inputs of equal shapes, got {types[0].tf_shape()} and "
                             f"{types[1].tf_shape()}")
        return [TensorType(broadcast_shapes(types[0].shape, types[1].shape), out_dtype or dt)]

    def kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
        with _quiet():
            r = fn(xs[0], xs[1])
        dt = out_dtype.np if out_dtype else xs[0].dtype
        return [np.asarray(r).astype(dt, copy=False)]

    return register(OpDef(name, tf_type, infer, kernel, Elementwise(name), differentiable))


def _unary(
    name: str,
    tf_type: str,
    fn: Callable[[np.ndarray], np.ndarray],
    allowed: tuple[DType, ...] = FLOATS,
    differentiable: bool = True,
) -> OpDef:
    def infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
        require_dtype(types[0], allowed, tf_type)
        return [types[0]]

    def kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
        with _quiet():
            r = fn(xs[0])
        return [np.asarray(r).astype(xs[0].dtype, copy=False)]

    return register(OpDef(name, tf_type, infer, kernel, Elementwise(name), differentiable))


def _safe_int_pow(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """np.power, with integer exponents < 0 acting as 0 like the native code. TF raises
    InvalidArgumentError for those: gradc.pow checks before this runs (eager) or after the
    call returns (staged: a check output, frontend/api/checks.py)."""
    if x.dtype.kind == "i":
        return np.power(x, np.maximum(y, 0))
    return np.power(x, y)


def _grad_kernel(formula: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Callable[..., np.ndarray]:
    """TF's fused *Grad kernels give 0 wherever the incoming gradient is 0 (masking nan/inf)."""

    def fn(y: np.ndarray, dy: np.ndarray) -> np.ndarray:
        r = formula(y, dy)
        return np.where(dy == 0, np.zeros_like(r), r)

    return fn


# -- binary arithmetic --------------------------------------------------------------------------
_binary("add", "AddV2", np.add)
_binary("sub", "Sub", np.subtract)
_binary("mul", "Mul", np.multiply)
_binary("div", "RealDiv", np.true_divide, FLOATS)
_binary("pow", "Pow", _safe_int_pow)
_binary("maximum", "Maximum", np.maximum)
_binary("minimum", "Minimum", np.minimum)
# Gradient kernels TensorFlow fuses (operands: forward output y, incoming gradient dy).
_binary("sqrt_grad", "SqrtGrad", _grad_kernel(lambda y, dy: dy * y.dtype.type(0.5) / y), FLOATS,
        arg_names=("y", "dy"), same_shape=True)
_binary("rsqrt_grad", "RsqrtGrad", _grad_kernel(lambda y, dy: dy * (y.dtype.type(-0.5) * y * y * y)),
        FLOATS, arg_names=("y", "dy"), same_shape=True)
_binary("reciprocal_grad", "ReciprocalGrad", _grad_kernel(lambda y, dy: -dy * y * y), FLOATS,
        arg_names=("y", "dy"), same_shape=True)
_binary("tanh_grad", "TanhGrad", lambda y, dy: dy * (1 - y * y), FLOATS, arg_names=("y", "dy"), same_shape=True)
_binary("sigmoid_grad", "SigmoidGrad", lambda y, dy: dy * y * (1 - y), FLOATS, arg_names=("y", "dy"), same_shape=True)
_binary("relu_grad", "ReluGrad", lambda g, x: np.where(x > 0, g, np.zeros_like(g)), NUMBERS,
        arg_names=("gradients", "features"), same_shape=True)

# -- comparisons and logic (no gradient) --------------------------------------------------------
for _n, _t, _f in [
    ("equal", "Equal", np.equal),
    ("not_equal", "NotEqual", np.not_equal),
    ("less", "Less", np.less),
    ("less_equal", "LessEqual", np.less_equal),
    ("greater", "Greater", np.greater),
    ("greater_equal", "GreaterEqual", np.greater_equal),
]:
    _binary(_n, _t, _f, ALL, DType.bool, differentiable=False)
for _n, _t, _f in [
    ("logical_and", "LogicalAnd", np.logical_and),
    ("logical_or", "LogicalOr", np.logical_or),
    ("logical_xor", "LogicalXor", np.logical_xor),
]:
    _binary(_n, _t, _f, (DType.bool,), DType.bool, differentiable=False)

# -- unary --------------------------------------------------------------------------------------
_unary("neg", "Neg", np.negative, NUMBERS)
_unary("abs", "Abs", np.abs, NUMBERS)
_unary("sign", "Sign", np.sign, NUMBERS)
_unary("square", "Square", np.square, NUMBERS)
_unary("sqrt", "Sqrt", np.sqrt)
_unary("rsqrt", "Rsqrt", lambda x: 1 / np.sqrt(x))
_unary("reciprocal", "Reciprocal", lambda x: 1 / x)
_unary("exp", "Exp", np.exp)
_unary("log", "Log", np.log)
_unary("log1p", "Log1p", np.log1p)
_unary("sin", "Sin", np.sin)
_unary("cos", "Cos", np.cos)
_unary("tanh", "Tanh", np.tanh)
_unary("sigmoid", "Sigmoid", lambda x: 1 / (1 + np.exp(-x)))
_unary("relu", "Relu", lambda x: np.maximum(x, np.zeros_like(x)), NUMBERS)
_unary("logical_not", "LogicalNot", np.logical_not, (DType.bool,), differentiable=False)
_unary("identity", "Identity", lambda x: x.copy(), ALL)
_unary("stop_gradient", "StopGradient", lambda x: x.copy(), ALL, differentiable=False)


# -- cast, select, AddN -------------------------------------------------------------------------
def _cast_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    return [TensorType(types[0].shape, attrs["dtype"])]


def _cast_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    with _quiet():
        return [xs[0].astype(attrs["dtype"].np)]


register(OpDef("cast", "Cast", _cast_infer, _cast_kernel, Elementwise("cast"), attr_names=("dtype",)))


def _select_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    if types[0].dtype is not DType.bool:
        raise DTypeError(
            f"Input 'condition' of 'SelectV2' Op has type {types[0].dtype.name} that does not match "
            "expected type of bool."
        )
    dt = same_dtype(types[1:], "SelectV2", ("t", "e"))
    return [TensorType(broadcast_shapes(types[0].shape, types[1].shape, types[2].shape), dt)]


def _select_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    return [np.where(xs[0], xs[1], xs[2]).astype(xs[1].dtype, copy=False)]


register(OpDef("select", "SelectV2", _select_infer, _select_kernel, Elementwise("select")))


def _addn_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    if not types:
        raise ShapeError("AddN needs at least one input")
    if len({t.dtype for t in types}) > 1:
        names = ", ".join(t.dtype.name for t in types)
        raise DTypeError(f"Tensors in list passed to 'inputs' of 'AddN' Op have types [{names}] that don't all match.")
    for t in types[1:]:
        if t.shape != types[0].shape:
            raise ShapeError(f"Shapes must be equal rank, but are {types[0].rank} and {t.rank}"
                             if t.rank != types[0].rank else
                             f"Dimension mismatch: shapes {types[0].shape} and {t.shape}")
    return [types[0]]


def _addn_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    acc = xs[0].copy()
    for x in xs[1:]:
        acc = acc + x
    return [acc]


register(OpDef("add_n", "AddN", _addn_infer, _addn_kernel, Elementwise("add_n")))
