"""Tensor types of the IR: a static shape and one of the five supported dtypes.

Every value in gradc's IR is a dense tensor with a fully known shape (functions are compiled
per concrete input signature). DType carries TF's and NumPy's names and the kind checks that
TensorFlow's gradient code uses (only float tensors carry gradient).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np


class DType(enum.Enum):
    """The dtypes of the surface, with their NumPy equivalents."""

    float32 = "f32"
    float64 = "f64"
    int32 = "i32"
    int64 = "i64"
    bool = "i1"

    @property
    def np(self) -> np.dtype:
        return np.dtype(_NP_NAMES[self])

    @property
    def is_float(self) -> bool:
        return self in (DType.float32, DType.float64)

    @property
    def is_int(self) -> bool:
        return self in (DType.int32, DType.int64)

    @property
    def is_bool(self) -> bool:
        return self is DType.bool

    @property
    def short(self) -> str:
        """The MLIR element-type spelling (f32, i64, i1, ...)."""
        return self.value

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"

    @staticmethod
    def from_np(dt: object) -> DType:
        name = np.dtype(dt).name  # type: ignore[call-overload]
        for d, n in _NP_NAMES.items():
            if n == name:
                return d
        raise TypeError(f"unsupported dtype {name!r}: gradc supports float32, float64, int32, int64, bool")

    @staticmethod
    def from_short(s: str) -> DType:
        for d in DType:
            if d.value == s:
                return d
        raise ValueError(f"unknown element type {s!r}")

    @staticmethod
    def coerce(x: object) -> DType:
        """Accept a DType, a NumPy dtype/type, or a name such as 'float32'."""
        if isinstance(x, DType):
            return x
        if isinstance(x, str) and x in DType.__members__:
            return DType[x]
        return DType.from_np(x)


_NP_NAMES = {
    DType.float32: "float32",
    DType.float64: "float64",
    DType.int32: "int32",
    DType.int64: "int64",
    DType.bool: "bool",
}

Shape = tuple[int, ...]


@dataclass(frozen=True)
class TensorType:
    """A static shape and an element dtype."""

    shape: Shape
    dtype: DType

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    def __str__(self) -> str:
        dims = "".join(f"{d}x" for d in self.shape)
        return f"tensor<{dims}{self.dtype.short}>"

    def tf_shape(self) -> str:
        """The shape as TensorFlow prints it: (2,), (1, 2), ()."""
        if len(self.shape) == 1:
            return f"({self.shape[0]},)"
        return "(" + ", ".join(str(d) for d in self.shape) + ")"
