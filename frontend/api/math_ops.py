"""Math ops of the surface (`gradc.add`, `gradc.math.log`, ...), staged or eager via `apply`.

Default instance names are TensorFlow's (TF_GRADIENTS_SPEC §9.2): `tf.multiply` names its op
`Mul`, while `a * b` passes `name="mul"` (see tensor.py). Python scalars take the dtype of the
tensor they meet and become constants inside the op's scope (`mul/y`), as in TF.
`__all__` is the top-level export; `log`, `log1p`, `rsqrt`, `reciprocal` and `logical_xor`
exist only under `gradc.math` (see math.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradc.compiler.ir.types import DType

from ..tracing import apply, common_dtype
from .checks import check_int_pow
from .opscope import OpScope, call
from .reduce_ops import (
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
)


def _unary(opdef: str, x: Any, name: str) -> Any:
    return call(opdef, [x], name, args=("x",), dtype=None)


# -- binary arithmetic --------------------------------------------------------------------------


def add(x: Any, y: Any, name: str | None = None) -> Any:
    return call("add", [x, y], name or "Add")


def subtract(x: Any, y: Any, name: str | None = None) -> Any:
    return call("sub", [x, y], name or "Sub")


def multiply(x: Any, y: Any, name: str | None = None) -> Any:
    return call("mul", [x, y], name or "Mul")


def divide(x: Any, y: Any, name: str | None = None) -> Any:
    """TF's truediv: integer operands are cast to float64 first (inside the `truediv` scope)."""
    dt = common_dtype([x, y])
    with OpScope(name or "truediv") as s:
        x, y = s.convert(x, dt, "x"), s.convert(y, dt, "y")
        if dt is not None and not dt.is_float:
            from .array_ops import cast

            x, y = cast(x, DType.float64), cast(y, DType.float64)
    return apply("div", [x, y], name=s.final_name(), dtype=None)


def pow(x: Any, y: Any, name: str | None = None) -> Any:  # noqa: A001  (tf.pow)
    """Integers to negative powers raise InvalidArgumentError, as in TF (api/checks.py)."""
    r = call("pow", [x, y], name or "Pow")
    check_int_pow(x, y, r)
    return r


def maximum(x: Any, y: Any, name: str | None = None) -> Any:
    return call("maximum", [x, y], name or "Maximum")


def minimum(x: Any, y: Any, name: str | None = None) -> Any:
    return call("minimum", [x, y], name or "Minimum")


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, name: str | None = None) -> Any:
    """2-D matrix product; adjoint is transpose for the real dtypes gradc supports."""
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    if max(len(getattr(v, "shape", np.shape(v))) for v in (a, b)) > 2:  # TF's BatchMatMulV3 path
        return call("batch_matmul", [a, b], name or "MatMul", {"adj_x": ta, "adj_y": tb}, args=("x", "y"))
    return call("matmul", [a, b], name or "MatMul", {"transpose_a": ta, "transpose_b": tb}, args=("a", "b"))


# -- unary --------------------------------------------------------------------------------------


def negative(x: Any, name: str | None = None) -> Any:
    return _unary("neg", x, name or "Neg")


def square(x: Any, name: str | None = None) -> Any:
    return _unary("square", x, name or "Square")


def sqrt(x: Any, name: str | None = None) -> Any:
    return _unary("sqrt", x, name or "Sqrt")


def rsqrt(x: Any, name: str | None = None) -> Any:
    return _unary("rsqrt", x, name or "Rsqrt")


def reciprocal(x: Any, name: str | None = None) -> Any:
    return _unary("reciprocal", x, name or "Reciprocal")


def exp(x: Any, name: str | None = None) -> Any:
    return _unary("exp", x, name or "Exp")


def log(x: Any, name: str | None = None) -> Any:
    return _unary("log", x, name or "Log")


def log1p(x: Any, name: str | None = None) -> Any:
    return _unary("log1p", x, name or "Log1p")


def sin(x: Any, name: str | None = None) -> Any:
    return _unary("sin", x, name or "Sin")


def cos(x: Any, name: str | None = None) -> Any:
    return _unary("cos", x, name or "Cos")


def tanh(x: Any, name: str | None = None) -> Any:
    return _unary("tanh", x, name or "Tanh")


def sigmoid(x: Any, name: str | None = None) -> Any:
    return _unary("sigmoid", x, name or "Sigmoid")


def abs(x: Any, name: str | None = None) -> Any:  # noqa: A001  (tf.abs)
    return _unary("abs", x, name or "Abs")


def sign(x: Any, name: str | None = None) -> Any:
    return _unary("sign", x, name or "Sign")


# -- comparisons, logic, select -----------------------------------------------------------------


def equal(x: Any, y: Any, name: str | None = None) -> Any:
    return call("equal", [x, y], name or "Equal")


def not_equal(x: Any, y: Any, name: str | None = None) -> Any:
    return call("not_equal", [x, y], name or "NotEqual")


def less(x: Any, y: Any, name: str | None = None) -> Any:
    return call("less", [x, y], name or "Less")


def less_equal(x: Any, y: Any, name: str | None = None) -> Any:
    return call("less_equal", [x, y], name or "LessEqual")


def greater(x: Any, y: Any, name: str | None = None) -> Any:
    return call("greater", [x, y], name or "Greater")


def greater_equal(x: Any, y: Any, name: str | None = None) -> Any:
    return call("greater_equal", [x, y], name or "GreaterEqual")


def logical_and(x: Any, y: Any, name: str | None = None) -> Any:
    return call("logical_and", [x, y], name or "LogicalAnd", dtype=DType.bool)


def logical_or(x: Any, y: Any, name: str | None = None) -> Any:
    return call("logical_or", [x, y], name or "LogicalOr", dtype=DType.bool)


def logical_xor(x: Any, y: Any, name: str | None = None) -> Any:
    return call("logical_xor", [x, y], name or "LogicalXor", dtype=DType.bool)


def logical_not(x: Any, name: str | None = None) -> Any:
    return call("logical_not", [x], name or "LogicalNot", args=("x",), dtype=DType.bool)


def where(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> Any:
    """3-argument select (TF's where_v2, op `SelectV2`); Python scalars take x/y's dtype."""
    if x is None or y is None:
        raise ValueError("gradc supports only the 3-argument tf.where(condition, x, y): the "
                         "1-argument form returns a tensor whose shape depends on the data")
    dt = common_dtype([x, y])
    with OpScope(name or "SelectV2") as s:
        vals = [s.convert(condition, DType.bool, "condition"), s.convert(x, dt, "t"), s.convert(y, dt, "e")]
    return apply("select", vals, name=s.final_name(), dtype=None)


def add_n(inputs: list[Any], name: str | None = None) -> Any:
    inputs = list(inputs)
    if not inputs:
        raise ValueError("inputs must be an iterable of at least one Tensor with the same dtype and shape")
    if len(inputs) == 1:
        # TF returns the single input itself (an Identity only when a name is given).
        if name:
            from .array_ops import identity

            return identity(inputs[0], name=name)
        return inputs[0]
    return call("add_n", inputs, name or "AddN", args=("inputs",))


__all__ = [
    "add", "subtract", "multiply", "divide", "pow", "maximum", "minimum", "matmul",
    "negative", "square", "sqrt", "exp", "sin", "cos", "tanh", "sigmoid", "abs", "sign",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_not", "where", "add_n",
    "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_logsumexp",
]
