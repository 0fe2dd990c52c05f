"""Helpers shared by op definitions: broadcasting, dtype checks, axis normalisation."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import DTypeError, ShapeError
from ..ir.types import DType, Shape, TensorType


def broadcast_shapes(*shapes: Shape) -> Shape:
    """NumPy broadcasting, with TensorFlow's error text."""
    rank = max((len(s) for s in shapes), default=0)
    out: list[int] = []
    for k in range(rank):
        dim = 1
        for s in shapes:
            j = k - (rank - len(s))
            if j < 0:
                continue
            d = s[j]
            if d == 1:
                continue
            if dim != 1 and d != dim:
                raise ShapeError(f"Dimensions must be equal, but are {dim} and {d}")
            dim = d
        out.append(dim)
    return tuple(out)


def same_dtype(types: Sequence[TensorType], tf_type: str, names: Sequence[str] = ("x", "y", "z")) -> DType:
    """All operands share one dtype, else TensorFlow's TypeError."""
    first = types[0].dtype
    for i, t in enumerate(types[1:], start=1):
        if t.dtype != first:
            raise DTypeError(
                f"Input '{names[i]}' of '{tf_type}' Op has type {t.dtype.name} that does not match "
                f"type {first.name} of argument '{names[0]}'."
            )
    return first


def require_dtype(t: TensorType, allowed: Sequence[DType], tf_type: str, arg: str = "x") -> None:
    if t.dtype not in allowed:
        ok = ", ".join(d.name for d in allowed)
        raise DTypeError(
            f"Value for attr 'T' of {t.dtype.name} is not in the list of allowed values: {ok}; "
            f"NodeDef: op {tf_type}, input '{arg}'"
        )


FLOATS = (DType.float32, DType.float64)
NUMBERS = (DType.float32, DType.float64, DType.int32, DType.int64)
ALL = (DType.float32, DType.float64, DType.int32, DType.int64, DType.bool)


def norm_axes(axes: object, rank: int) -> tuple[int, ...]:
    """An int, a sequence or None (= all) → sorted non-negative axes, checked against rank."""
    if axes is None:
        return tuple(range(rank))
    seq = [axes] if isinstance(axes, int) else list(axes)  # type: ignore[call-overload]
    out = []
    for a in seq:
        a = int(a)
        if not -rank <= a < rank:
            raise ShapeError(f"Invalid reduction dimension {a} for input with {rank} dimensions")
        out.append(a % rank)
    return tuple(sorted(set(out)))


def contiguous_strides(shape: Shape) -> tuple[int, ...]:
    strides = [0] * len(shape)
    acc = 1
    for k in range(len(shape) - 1, -1, -1):
        strides[k] = acc
        acc *= shape[k]
    return tuple(strides)


def broadcast_strides(src: Shape, dst: Shape) -> tuple[int, ...]:
    """Strides reading a contiguous `src` as if broadcast to `dst` (0 on broadcast dims)."""
    cs = contiguous_strides(src)
    lead = len(dst) - len(src)
    out = []
    for k in range(len(dst)):
        j = k - lead
        out.append(0 if j < 0 or (src[j] == 1 and dst[k] != 1) else cs[j])
    return tuple(out)
