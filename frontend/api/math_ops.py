"""Math ops of the surface (`gradc.add`, `gradc.math.log`, ...), staged or eager via `apply`.

Default instance names are TensorFlow's: `tf.multiply` names its op `Mul`, while `a * b`
passes `name="mul"` (see tensor.py).
"""

from __future__ import annotations

from typing import Any

from gradc.compiler.ir.types import DType

from ..tracing import apply


def add(x: Any, y: Any, name: str | None = None) -> Any:
    return apply("add", [x, y], name=name or "Add")


def subtract(x: Any, y: Any, name: str | None = None) -> Any:
    return apply("sub", [x, y], name=name or "Sub")


def multiply(x: Any, y: Any, name: str | None = None) -> Any:
    return apply("mul", [x, y], name=name or "Mul")


def divide(x: Any, y: Any, name: str | None = None) -> Any:
    from ..tracing import common_dtype

    dt = common_dtype([x, y])
    if dt is not None and not dt.is_float:
        # TF's truediv casts integer operands to float64 (int32) or float64 (int64) first.
        from .array_ops import cast

        x, y = cast(x, DType.float64), cast(y, DType.float64)
    return apply("div", [x, y], name=name or "truediv")


def negative(x: Any, name: str | None = None) -> Any:
    return apply("neg", [x], name=name or "Neg")


def add_n(inputs: list[Any], name: str | None = None) -> Any:
    return apply("add_n", list(inputs), name=name or "AddN")


def reduce_sum(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Any:
    return apply("sum", [input_tensor], {"axes": _axis(axis), "keepdims": keepdims}, name=name or "Sum")


def _axis(axis: Any) -> Any:
    """Axis as an int, a tuple of ints or None (tensors of static value are unwrapped)."""
    if axis is None:
        return None
    if hasattr(axis, "numpy") and not hasattr(axis, "value"):
        axis = axis.numpy().tolist()
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(axis)


__all__ = ['add', 'subtract', 'multiply', 'divide', 'negative', 'add_n', 'reduce_sum']
