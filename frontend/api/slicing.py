"""Python indexing of tensors (`x[0]`, `x[:, 1:3]`, `x[..., -1]`, `x[::-1]`, `x[None]`).

The key is resolved at staging time against the static shape into the `strided_slice` op's
attrs (see gradc.compiler.ops.misc): per input dim a concrete begin/end/stride, the dims an
int removes (`shrink_axes`) and the result positions of `None` (`new_axes`). TF names the op
`strided_slice`.
"""

from __future__ import annotations

from typing import Any

from gradc.compiler.errors import ShapeError

from ..tensor import EagerTensor, Tensor
from ..tracing import static_value, to_array
from .opscope import call

_BAD_INDEX = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
              "tf.int32/tf.int64 tensors are valid indices, got {!r}")


def _index(v: Any) -> int | None:
    """A static index (or None for an omitted slice bound)."""
    if v is None:
        return None
    if isinstance(v, Tensor):
        known = static_value(v)
        if known is None:
            raise TypeError("gradc resolves indices while staging: index with Python ints or tensors known "
                            f"while staging, not {v.name}, which is computed at run time")
        v = EagerTensor(known)
    if isinstance(v, bool):
        raise TypeError(_BAD_INDEX.format(v))
    if isinstance(v, EagerTensor):
        v = to_array(v)
        if v.ndim != 0 or v.dtype.kind not in "iu":
            raise TypeError(_BAD_INDEX.format(v))
        return int(v)
    if hasattr(v, "__index__"):
        return int(v.__index__())
    raise TypeError(_BAD_INDEX.format(v))


def slice_attrs(shape: tuple[int, ...], key: Any) -> dict[str, Any]:
    """Resolve a Python index key against `shape` into strided_slice attrs."""
    items = list(key) if isinstance(key, tuple) else [key]
    if sum(1 for it in items if it is Ellipsis) > 1:
        raise ValueError("Multiple ellipses in slice spec not allowed")
    consuming = sum(1 for it in items if it is not None and it is not Ellipsis)
    rank = len(shape)
    if consuming > rank:
        raise ShapeError(f"Index out of range using input dim {rank}; input has only {rank} dims")
    if not any(it is Ellipsis for it in items):  # `in` would call a tensor's __eq__
        items.append(Ellipsis)  # trailing dims are taken whole
    begin: list[int] = []
    end: list[int] = []
    strides: list[int] = []
    shrink: list[int] = []
    new_axes: list[int] = []
    out_pos = 0

    def whole() -> None:
        d = shape[len(begin)]
        begin.append(0)
        end.append(d)
        strides.append(1)

    for it in items:
        if it is None:
            new_axes.append(out_pos)
            out_pos += 1
        elif it is Ellipsis:
            for _ in range(rank - consuming):
                whole()
                out_pos += 1
        elif isinstance(it, slice):
            d = shape[len(begin)]
            step = _index(it.step)
            if step == 0:
                raise ValueError("slice step cannot be zero")
            b, e, s = slice(_index(it.start), _index(it.stop), step).indices(d)
            begin.append(b)
            end.append(e)
            strides.append(s)
            out_pos += 1
        else:
            i, k = _index(it), len(begin)
            assert i is not None
            d = shape[k]
            if not -d <= i < d:
                raise ShapeError(f"slice index {i} of dimension {k} out of bounds.")
            i %= d
            shrink.append(k)
            begin.append(i)
            end.append(i + 1)
            strides.append(1)
    return {"begin": tuple(begin), "end": tuple(end), "strides": tuple(strides),
            "shrink_axes": tuple(shrink), "new_axes": tuple(new_axes)}


def getitem(x: Any, key: Any) -> Any:
    """`x[key]` as one strided_slice op."""
    if isinstance(key, Tensor) and key.shape == ():
        known = static_value(key)  # a scalar tensor known while staging is a plain index
        key = EagerTensor(known) if known is not None else key
    if isinstance(key, (list, Tensor)) or (isinstance(key, EagerTensor) and key.ndim != 0):
        raise TypeError(_BAD_INDEX.format(key))
    shape = tuple(x.shape) if isinstance(x, (Tensor, EagerTensor)) else to_array(x).shape
    return call("strided_slice", [x], "strided_slice", slice_attrs(tuple(shape), key), args=("input",),
                dtype=None)
