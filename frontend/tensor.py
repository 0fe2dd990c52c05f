"""User-facing tensors: symbolic `Tensor` (inside a staged function) and `EagerTensor`.

A `Tensor` wraps an IR value of the function being staged; it prints as TensorFlow's does
(`<gradc.Tensor 'gradients/AddN:0' shape=(1, 2) dtype=float32>` as repr, `Tensor("x:0",
shape=(2,), dtype=float32)` as str) and refuses to be used as a Python bool. An
`EagerTensor` holds a NumPy array (TF's eager mode, module-level code). Python operators on
either call the public op functions, with TF's op names (`a * b` is `mul`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from gradc.compiler.ir.core import Value
from gradc.compiler.ir.types import DType

if TYPE_CHECKING:
    from .tracing import Trace


class TensorShape(tuple):
    """A static shape: a tuple that prints like TensorFlow's (`(2,)`) and has `as_list()`."""

    def as_list(self) -> list[int]:
        return list(self)

    @property
    def rank(self) -> int:
        return len(self)

    @property
    def ndims(self) -> int:
        return len(self)

    def num_elements(self) -> int:
        return int(np.prod(self)) if self else 1

    def __repr__(self) -> str:
        return f"TensorShape({list(self)})"

    def __str__(self) -> str:
        return tuple.__repr__(tuple(self))


class TensorBoolError(TypeError):
    """A symbolic tensor was used where Python needs a bool (if/while/and/or/not)."""

    def __init__(self, msg: str = "") -> None:
        super().__init__(
            msg
            or "a symbolic Tensor cannot be used as a Python bool: its value is only known when "
            "the compiled code runs. Use gradc.where(cond, a, b) to select elementwise, or "
            "gradc.cond(pred, true_fn, false_fn) to branch."
        )


OperatorNotAllowedInGraphError = TensorBoolError  # TensorFlow's name for the same mistake


class _Operators:
    """Python operators shared by Tensor and EagerTensor (TF's op names for each)."""

    def __add__(self, o: Any) -> Any:
        return _m().add(self, o, name="add")

    def __radd__(self, o: Any) -> Any:
        return _m().add(o, self, name="add")

    def __sub__(self, o: Any) -> Any:
        return _m().subtract(self, o, name="sub")

    def __rsub__(self, o: Any) -> Any:
        return _m().subtract(o, self, name="sub")

    def __mul__(self, o: Any) -> Any:
        return _m().multiply(self, o, name="mul")

    def __rmul__(self, o: Any) -> Any:
        return _m().multiply(o, self, name="mul")

    def __truediv__(self, o: Any) -> Any:
        return _m().divide(self, o, name="truediv")

    def __rtruediv__(self, o: Any) -> Any:
        return _m().divide(o, self, name="truediv")

    def __pow__(self, o: Any) -> Any:
        return _m().pow(self, o, name="pow")

    def __rpow__(self, o: Any) -> Any:
        return _m().pow(o, self, name="pow")

    def __matmul__(self, o: Any) -> Any:
        return _m().matmul(self, o, name="matmul")

    def __rmatmul__(self, o: Any) -> Any:
        return _m().matmul(o, self, name="matmul")

    def __neg__(self) -> Any:
        return _m().negative(self)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return _m().abs(self)

    def __lt__(self, o: Any) -> Any:
        return _m().less(self, o)

    def __le__(self, o: Any) -> Any:
        return _m().less_equal(self, o)

    def __gt__(self, o: Any) -> Any:
        return _m().greater(self, o)

    def __ge__(self, o: Any) -> Any:
        return _m().greater_equal(self, o)

    def __eq__(self, o: Any) -> Any:  # type: ignore[override]
        return _m().equal(self, o)

    def __ne__(self, o: Any) -> Any:  # type: ignore[override]
        return _m().not_equal(self, o)

    def __and__(self, o: Any) -> Any:
        return _m().logical_and(self, o)

    def __or__(self, o: Any) -> Any:
        return _m().logical_or(self, o)

    def __xor__(self, o: Any) -> Any:
        return _m().logical_xor(self, o)

    def __invert__(self) -> Any:
        return _m().logical_not(self)

    def __getitem__(self, key: Any) -> Any:
        from .api import array_ops

        return array_ops.getitem(self, key)

    __hash__ = object.__hash__


def _m() -> Any:
    from .api import math_ops

    return math_ops


class Tensor(_Operators):
    """A symbolic tensor of the function being staged."""

    def __init__(self, value: Value, trace: Trace) -> None:
        self.value = value
        self.trace = trace

    @property
    def name(self) -> str:
        return self.value.name

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self.value.type.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def dtype(self) -> DType:
        return self.value.type.dtype

    @property
    def ndim(self) -> int:
        return self.value.type.rank

    def __repr__(self) -> str:
        return f"<gradc.Tensor '{self.name}' shape={self.shape} dtype={self.dtype.name}>"

    def __str__(self) -> str:
        return f'Tensor("{self.name}", shape={self.shape}, dtype={self.dtype.name})'

    def __bool__(self) -> bool:
        raise TensorBoolError()

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a scalar (0-d) tensor is not defined")
        return self.shape[0]

    def __iter__(self) -> Any:
        if not self.shape:
            raise TypeError("iterating over a scalar (0-d) tensor is not allowed")
        return (self[i] for i in range(self.shape[0]))

    def numpy(self) -> np.ndarray:
        raise TypeError(
            f"{self.name} is symbolic: its value exists only when the compiled function runs. "
            "Return it from the function, or use gradc.print to see it at run time."
        )


class EagerTensor(_Operators):
    """A concrete tensor outside any compiled function (TensorFlow's eager mode)."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self.array.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def dtype(self) -> DType:
        return DType.from_np(self.array.dtype)

    @property
    def ndim(self) -> int:
        return self.array.ndim

    def numpy(self) -> np.ndarray:
        return self.array

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.array if dtype is None else self.array.astype(dtype)

    def __repr__(self) -> str:
        body = np.array2string(self.array, separator=", ")
        return f"<gradc.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={body}>"

    def __str__(self) -> str:
        return f"gradc.Tensor({self.array}, shape={self.shape}, dtype={self.dtype.name})"

    def __bool__(self) -> bool:
        return bool(self.array)

    def __float__(self) -> float:
        return float(self.array)

    def __int__(self) -> int:
        return int(self.array)

    def __index__(self) -> int:
        return int(self.array)

    def __len__(self) -> int:
        return len(self.array)

    def __iter__(self) -> Any:
        return (EagerTensor(a) for a in self.array)


class Result(np.ndarray):
    """What a compiled function returns: a NumPy array that also has TF's `.numpy()`."""

    def numpy(self) -> np.ndarray:
        return np.asarray(self)

    def __repr__(self) -> str:
        return repr(np.asarray(self))
