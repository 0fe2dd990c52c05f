"""Creation and layout ops of the surface (`constant`, `ones`, `reshape`, slicing, ...)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradc.compiler.ir.types import DType

from ..tensor import EagerTensor, Tensor
from ..tracing import apply, current, to_array, wrap


def _dtype(dtype: Any) -> DType | None:
    return None if dtype is None else DType.coerce(dtype)


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str = "Const") -> Any:
    arr = to_array(value, _dtype(dtype))
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        arr = np.broadcast_to(arr, shape).copy() if arr.size == 1 else arr.reshape(shape)
    tr = current()
    if tr is None:
        return EagerTensor(arr)
    return wrap(tr.builder.constant(arr, name=name))


def _dims(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, (Tensor,)):
        raise TypeError("shape must be known while staging (a Python list or a constant)")
    if isinstance(shape, EagerTensor):
        shape = shape.numpy().tolist()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def ones(shape: Any, dtype: Any = DType.float32, name: str = "ones") -> Any:
    dt = DType.coerce(dtype)
    return constant(np.ones(_dims(shape), dt.np), name=name)


def zeros(shape: Any, dtype: Any = DType.float32, name: str = "zeros") -> Any:
    dt = DType.coerce(dtype)
    return constant(np.zeros(_dims(shape), dt.np), name=name)


def fill(dims: Any, value: Any, name: str = "Fill") -> Any:
    return apply("fill", [value], {"dims": _dims(dims)}, name=name, dtype=None)


def identity(input: Any, name: str = "Identity") -> Any:
    return apply("identity", [input], name=name, dtype=None)


def stop_gradient(input: Any, name: str = "StopGradient") -> Any:
    return apply("stop_gradient", [input], name=name, dtype=None)


def reshape(tensor: Any, shape: Any, name: str = "Reshape") -> Any:
    return apply("reshape", [tensor], {"shape": _dims(shape)}, name=name, dtype=None)


def cast(x: Any, dtype: Any, name: str = "Cast") -> Any:
    dt = DType.coerce(dtype)
    from ..tracing import dtype_of

    if dtype_of(x) == dt and isinstance(x, (Tensor, EagerTensor)):
        return x  # TF's cast is the identity (no op) when the dtype already matches
    return apply("cast", [x], {"dtype": dt}, name=name, dtype=None)


def getitem(x: Any, key: Any) -> Any:
    raise NotImplementedError("slicing arrives with the strided_slice op")


__all__ = ['constant', 'ones', 'zeros', 'fill', 'identity', 'stop_gradient', 'reshape', 'cast']
