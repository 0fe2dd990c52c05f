"""Assembling and indexing ops: concat, pack (tf.stack), strided_slice and its gradient, and the
static-shape queries shape / rank / size plus no_op.

concat and pack write each operand into the result through a ViewMap (`Assemble`);
strided_slice reads through one (`View`) and strided_slice_grad writes the incoming gradient
back through the *same* map into a zero-filled tensor, so both share `strided_map`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DTypeError, ShapeError
from ..ir.types import DType, Shape, TensorType
from .common import ALL, contiguous_strides
from .registry import Assemble, Attrs, Expand, NoCode, OpDef, View, ViewMap, register


def _dims(shape: Shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _list_dtype(types: list[TensorType], tf_type: str, arg: str) -> DType:
    if len({t.dtype for t in types}) > 1:
        names = ", ".join(t.dtype.name for t in types)
        raise DTypeError(f"Tensors in list passed to '{arg}' of '{tf_type}' Op have types [{names}] "
                         "that don't all match.")
    return types[0].dtype


# -- concat -------------------------------------------------------------------------------------


def _concat_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    if not types:
        raise ShapeError("ConcatV2 needs at least one input")
    dt = _list_dtype(types, "ConcatV2", "values")
    first, rank = types[0].shape, types[0].rank
    if rank == 0:
        raise ShapeError("Can't concatenate scalars (use tf.stack instead)")
    axis = int(attrs["axis"])
    if not -rank <= axis < rank:
        raise ShapeError(f"ConcatOp : Expected concatenating dimensions in the range [{-rank}, {rank}), "
                         f"but got {axis}")
    axis %= rank
    attrs["axis"] = axis
    total = 0
    for t in types:
        if t.rank != rank:
            raise ShapeError(f"Shape must be rank {rank} but is rank {t.rank}")
        for k in range(rank):
            if k != axis and t.shape[k] != first[k]:
                raise ShapeError(f"Dimension {k} in both shapes must be equal, but are {first[k]} and "
                                 f"{t.shape[k]}. Shapes are {_dims(first)} and {_dims(t.shape)}.")
        total += t.shape[axis]
    out = list(first)
    out[axis] = total
    return [TensorType(tuple(out), dt)]


def _concat_assemble(ins: list[TensorType], out: TensorType, attrs: Attrs) -> list[ViewMap]:
    cs, axis = contiguous_strides(out.shape), attrs["axis"]
    maps, start = [], 0
    for i, t in enumerate(ins):
        maps.append(ViewMap(t.shape, cs, start * cs[axis], operand=i))
        start += t.shape[axis]
    return maps


register(OpDef("concat", "ConcatV2", _concat_infer,
               lambda xs, a: [np.concatenate(xs, axis=a["axis"])],
               Assemble(_concat_assemble, zero_fill=False), attr_names=("axis",)))


# -- pack ---------------------------------------------------------------------------------------


def _pack_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    if not types:
        raise ShapeError("Pack needs at least one input")
    dt = _list_dtype(types, "Pack", "values")
    first = types[0].shape
    for t in types[1:]:
        if t.rank != len(first):
            raise ShapeError(f"Shapes must be equal rank, but are {len(first)} and {t.rank}")
        for k, (a, b) in enumerate(zip(first, t.shape, strict=True)):
            if a != b:
                raise ShapeError(f"Dimension {k} in both shapes must be equal, but are {a} and {b}. "
                                 f"Shapes are {_dims(first)} and {_dims(t.shape)}.")
    rank = len(first) + 1
    axis = int(attrs.get("axis", 0))
    if not -rank <= axis < rank:
        raise ShapeError(f"Invalid axis: {axis}; must be in [{-rank}, {rank})")
    axis %= rank
    attrs["axis"] = axis
    return [TensorType(first[:axis] + (len(types),) + first[axis:], dt)]


def _pack_assemble(ins: list[TensorType], out: TensorType, attrs: Attrs) -> list[ViewMap]:
    cs, axis = contiguous_strides(out.shape), attrs["axis"]
    rest = cs[:axis] + cs[axis + 1:]
    return [ViewMap(t.shape, rest, i * cs[axis], operand=i) for i, t in enumerate(ins)]


register(OpDef("pack", "Pack", _pack_infer, lambda xs, a: [np.stack(xs, axis=a["axis"])],
               Assemble(_pack_assemble, zero_fill=False), attr_names=("axis",)))


# -- strided_slice ------------------------------------------------------------------------------
# Attrs, all resolved at staging time: per input dim k, the elements begin[k] + i*strides[k]
# for 0 <= i < len(range(begin[k], end[k], strides[k])) (end may be -1 for negative strides,
# meaning "through index 0"); dims in shrink_axes are indexed by an int and dropped; new_axes
# are positions in the result where size-1 dims are inserted (tf.newaxis).

_SS_ATTRS = ("begin", "end", "strides", "shrink_axes", "new_axes")


def strided_shape(in_shape: Shape, attrs: Attrs) -> Shape:
    """Validate and normalise strided-slice attrs against `in_shape`; return the result shape."""
    rank = len(in_shape)
    begin, end, strides = (tuple(int(v) for v in attrs[k]) for k in ("begin", "end", "strides"))
    if not len(begin) == len(end) == len(strides) == rank:
        raise ShapeError(f"begin, end and strides must have {rank} entries (the input rank)")
    shrink = tuple(sorted({int(k) % max(rank, 1) for k in attrs.get("shrink_axes") or ()}))
    kept: list[int] = []
    for k, d in enumerate(in_shape):
        b, e, s = begin[k], end[k], strides[k]
        if s == 0:
            raise ShapeError("strides must be non-zero")
        n = max(0, -(-(e - b) // s)) if s > 0 else max(0, -(-(b - e) // -s))
        if n and not (0 <= b < d and 0 <= b + (n - 1) * s < d):
            raise ShapeError(f"slice index {b} of dimension {k} out of bounds.")
        if k in shrink:
            if n != 1:
                raise ShapeError(f"slice index {b} of dimension {k} out of bounds.")
            continue
        kept.append(n)
    new_axes = tuple(sorted(int(p) for p in attrs.get("new_axes") or ()))
    for p in new_axes:
        if not 0 <= p <= len(kept):
            raise ShapeError(f"new axis position {p} out of range for a rank-{len(kept)} result")
        kept.insert(p, 1)
    attrs.update(begin=begin, end=end, strides=strides, shrink_axes=shrink, new_axes=new_axes)
    return tuple(kept)


def strided_map(in_shape: Shape, out_shape: Shape, attrs: Attrs, operand: int = 0) -> ViewMap:
    """The ViewMap addressing the sliced elements of a contiguous `in_shape` buffer."""
    cs = contiguous_strides(in_shape)
    pairs = enumerate(zip(attrs["strides"], cs, strict=True))
    strides = [s * c for k, (s, c) in pairs if k not in attrs["shrink_axes"]]
    for p in attrs["new_axes"]:
        strides.insert(p, 0)
    offset = sum(b * c for b, c in zip(attrs["begin"], cs, strict=True)) if 0 not in out_shape else 0
    return ViewMap(out_shape, tuple(strides), offset, operand)


def _np_index(attrs: Attrs) -> tuple[Any, ...]:
    idx: list[Any] = []
    for k, (b, e, s) in enumerate(zip(attrs["begin"], attrs["end"], attrs["strides"], strict=True)):
        idx.append(b if k in attrs["shrink_axes"] else slice(b, e if e >= 0 else None, s))
    return tuple(idx)


def _ss_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    return [TensorType(strided_shape(types[0].shape, attrs), types[0].dtype)]


def _ss_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    out = strided_shape(xs[0].shape, dict(attrs))
    return [np.array(xs[0][_np_index(attrs)]).reshape(out)]


register(OpDef("strided_slice", "StridedSlice", _ss_infer, _ss_kernel,
               View(lambda ins, outs, a: [strided_map(ins[0].shape, outs[0].shape, a)]),
               attr_names=_SS_ATTRS))


def _ssg_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    shape = tuple(int(d) for d in attrs["shape"])
    attrs["shape"] = shape
    want = strided_shape(shape, attrs)
    if types[0].shape != want:
        raise ShapeError(f"Incompatible shapes between op input and calculated input gradient: "
                         f"{_dims(types[0].shape)} vs. {_dims(want)}")
    return [TensorType(shape, types[0].dtype)]


def _ssg_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    out = np.zeros(attrs["shape"], dtype=xs[0].dtype)
    idx = _np_index(attrs)
    out[idx] = xs[0].reshape(np.shape(out[idx]))
    return [out]


register(OpDef("strided_slice_grad", "StridedSliceGrad", _ssg_infer, _ssg_kernel,
               Assemble(lambda ins, out, a: [strided_map(out.shape, ins[0].shape, a)], zero_fill=True),
               attr_names=("shape",) + _SS_ATTRS))


# -- static shape queries and no_op -------------------------------------------------------------


def _query(name: str, tf_type: str, fn: Any, scalar: bool) -> None:
    def infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
        if types[0].dtype not in ALL:
            raise DTypeError(f"unsupported dtype for {tf_type}")
        return [TensorType(() if scalar else (types[0].rank,), DType.int32)]

    def kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
        return [np.asarray(fn(xs[0].shape), dtype=np.int32)]

    def expand(b: Any, op: Any) -> list[Any]:
        # Shapes are static: the query is a constant (TF's graph builders fold it the same way).
        value = np.asarray(fn(op.operands[0].type.shape), dtype=np.int32)
        with b.name_scope(op.name + "/"):
            return [b.constant(value, name="Const")]

    register(OpDef(name, tf_type, infer, kernel, Expand(expand), differentiable=False))


_query("shape", "Shape", lambda s: list(s), scalar=False)
_query("rank", "Rank", lambda s: len(s), scalar=True)
_query("size", "Size", lambda s: int(np.prod(s)), scalar=True)

# Control inputs only (gate_gradients): any operands, no results, no code.
register(OpDef("no_op", "NoOp", lambda types, attrs: [], lambda xs, attrs: [], NoCode(),
               differentiable=False, num_results=0))
