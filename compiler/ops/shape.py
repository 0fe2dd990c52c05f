"""Layout ops: each result is a strided view of its operand (see registry.ViewMap).

reshape, transpose, expand_dims, squeeze, broadcast_to, tile, slice and unpack. Inference
normalises attrs (non-negative axes, resolved sizes) so kernels and lowerings read one form.
`read_view` evaluates a ViewMap in NumPy: tests check every View against its kernel with it.
"""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ..ir.types import TensorType
from .common import broadcast_strides, contiguous_strides
from .registry import Attrs, OpDef, View, ViewMap, register


def _reshape_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    shape = [int(d) for d in attrs["shape"]]
    n = types[0].size
    if shape.count(-1) > 1:
        raise ShapeError(f"Cannot infer shape: only one -1 allowed in {shape}")
    if -1 in shape:
        known = int(np.prod([d for d in shape if d != -1]))
        if known == 0 or n % known:
            raise ShapeError(f"Cannot reshape a tensor with {n} elements to shape {shape}")
        shape[shape.index(-1)] = n // known
    if int(np.prod(shape)) != n:
        raise ShapeError(
            f"Cannot reshape a tensor with {n} elements to shape {shape} "
            f"({int(np.prod(shape))} elements)"
        )
    attrs["shape"] = tuple(shape)
    return [TensorType(tuple(shape), types[0].dtype)]


def _reshape_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    return [xs[0].reshape(attrs["shape"]).copy()]


def _reshape_view(ins: list[TensorType], outs: list[TensorType], attrs: Attrs) -> list[ViewMap]:
    return [ViewMap(outs[0].shape, contiguous_strides(outs[0].shape))]


register(OpDef("reshape", "Reshape", _reshape_infer, _reshape_kernel, View(_reshape_view),
               attr_names=("shape",)))


# -- helpers ------------------------------------------------------------------------------------


def read_view(flat: np.ndarray, vm: ViewMap) -> np.ndarray:
    """Evaluate a ViewMap on a flat buffer (the oracle the lowering's strided loops must match)."""
    idx = np.full(vm.shape, vm.offset, dtype=np.int64)
    for k, s in enumerate(vm.strides):
        shape = [1] * len(vm.shape)
        shape[k] = vm.shape[k]
        idx = idx + np.arange(vm.shape[k], dtype=np.int64).reshape(shape) * s
    return flat.reshape(-1)[idx]


def _dims(x: object) -> str:
    return "[" + ",".join(str(d) for d in x) + "]"  # type: ignore[attr-defined]


# -- transpose ----------------------------------------------------------------------------------


def _transpose_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    rank = types[0].rank
    perm = attrs.get("perm")
    perm = tuple(range(rank - 1, -1, -1)) if perm is None else tuple(int(p) for p in perm)
    if len(perm) != rank:
        raise ShapeError(f"Dimension must be {rank} but is {len(perm)}")
    norm = tuple(p + rank if p < 0 else p for p in perm)
    for i in range(rank):
        if i not in norm:
            raise ShapeError(f"{i} is missing from {{{','.join(str(p) for p in perm)}}}.")
    attrs["perm"] = norm
    return [TensorType(tuple(types[0].shape[p] for p in norm), types[0].dtype)]


def _transpose_view(ins: list[TensorType], outs: list[TensorType], attrs: Attrs) -> list[ViewMap]:
    cs = contiguous_strides(ins[0].shape)
    return [ViewMap(outs[0].shape, tuple(cs[p] for p in attrs["perm"]))]


register(OpDef("transpose", "Transpose", _transpose_infer,
               lambda xs, a: [np.transpose(xs[0], a["perm"]).copy()], View(_transpose_view),
               attr_names=("perm",)))


# -- expand_dims, squeeze (reshapes that keep element order) ------------------------------------


def _expand_dims_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    rank = types[0].rank
    axis = int(attrs["axis"])
    if not -rank - 1 <= axis <= rank:
        raise ShapeError(f"Tried to expand dim index {axis} for tensor with {rank} dimensions.")
    axis = axis + rank + 1 if axis < 0 else axis
    attrs["axis"] = axis
    shape = list(types[0].shape)
    shape.insert(axis, 1)
    return [TensorType(tuple(shape), types[0].dtype)]


def _squeeze_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    shape, rank = types[0].shape, types[0].rank
    axes = attrs.get("axes")
    if axes is None or (not isinstance(axes, int) and len(axes) == 0):
        norm = tuple(k for k, d in enumerate(shape) if d == 1)
    else:
        seq = [axes] if isinstance(axes, int) else list(axes)
        out = []
        for a in seq:
            if not -rank <= int(a) < rank:
                raise ShapeError(f"Tried to squeeze dim index {a} for tensor with {rank} dimensions.")
            k = int(a) % rank
            if shape[k] != 1:
                raise ShapeError(f"Can not squeeze dim[{k}], expected a dimension of 1, got {shape[k]}")
            out.append(k)
        norm = tuple(sorted(set(out)))
    attrs["axes"] = norm
    return [TensorType(tuple(d for k, d in enumerate(shape) if k not in norm), types[0].dtype)]


def _same_order_view(ins: list[TensorType], outs: list[TensorType], attrs: Attrs) -> list[ViewMap]:
    return [ViewMap(outs[0].shape, contiguous_strides(outs[0].shape))]


register(OpDef("expand_dims", "ExpandDims", _expand_dims_infer,
               lambda xs, a: [np.expand_dims(xs[0], a["axis"]).copy()], View(_same_order_view),
               attr_names=("axis",)))
register(OpDef("squeeze", "Squeeze", _squeeze_infer,
               lambda xs, a: [np.squeeze(xs[0], axis=tuple(a["axes"])).copy()], View(_same_order_view),
               attr_names=("axes",)))


# -- broadcast_to, tile (0 strides) -------------------------------------------------------------


def _broadcast_to_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    src, dst = types[0].shape, tuple(int(d) for d in attrs["shape"])
    if len(src) > len(dst):
        raise ShapeError(f"Rank of input ({len(src)}) must be no greater than rank of output shape "
                         f"({len(dst)})")
    for k, d in enumerate(src):
        t = dst[k + len(dst) - len(src)]
        if d != t and d != 1:
            raise ShapeError(f"Unable to broadcast tensor of shape {_dims(src)} to tensor of shape "
                             f"{_dims(dst)}")
    attrs["shape"] = dst
    return [TensorType(dst, types[0].dtype)]


def _broadcast_to_view(ins: list[TensorType], outs: list[TensorType], attrs: Attrs) -> list[ViewMap]:
    return [ViewMap(outs[0].shape, broadcast_strides(ins[0].shape, outs[0].shape))]


register(OpDef("broadcast_to", "BroadcastTo", _broadcast_to_infer,
               lambda xs, a: [np.broadcast_to(xs[0], a["shape"]).copy()], View(_broadcast_to_view),
               attr_names=("shape",)))


def _tile_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    mult = tuple(int(m) for m in attrs["multiples"])
    if len(mult) != types[0].rank:
        raise ShapeError(f"Dimension must be {types[0].rank} but is {len(mult)}")
    if any(m < 0 for m in mult):
        raise ShapeError(f"Expected multiples argument to be non-negative, got {list(mult)}")
    attrs["multiples"] = mult
    return [TensorType(tuple(d * m for d, m in zip(types[0].shape, mult, strict=True)), types[0].dtype)]


def _tile_view(ins: list[TensorType], outs: list[TensorType], attrs: Attrs) -> list[ViewMap]:
    # Output dim k of size m*a is a (m, a) pair in row-major order: the m index reads stride 0.
    cs = contiguous_strides(ins[0].shape)
    shape: list[int] = []
    strides: list[int] = []
    for m, a, s in zip(attrs["multiples"], ins[0].shape, cs, strict=True):
        shape += [m, a]
        strides += [0, s]
    return [ViewMap(tuple(shape), tuple(strides))]


register(OpDef("tile", "Tile", _tile_infer, lambda xs, a: [np.tile(xs[0], a["multiples"])],
               View(_tile_view), attr_names=("multiples",)))


# -- slice, unpack ------------------------------------------------------------------------------


def _slice_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    shape = types[0].shape
    begin = tuple(int(b) for b in attrs["begin"])
    size = [int(s) for s in attrs["size"]]
    if len(begin) != len(shape) or len(size) != len(shape):
        raise ShapeError(f"Shape must be rank {len(shape)}: begin {list(begin)} and size {size}")
    for k, d in enumerate(shape):
        if not 0 <= begin[k] <= d:
            raise ShapeError(f"Expected begin[{k}] in [0, {d}], but got {begin[k]}")
        if size[k] == -1:
            size[k] = d - begin[k]
        if not 0 <= size[k] <= d - begin[k]:
            raise ShapeError(f"Expected size[{k}] in [0, {d - begin[k]}], but got {size[k]}")
    attrs["begin"], attrs["size"] = begin, tuple(size)
    return [TensorType(tuple(size), types[0].dtype)]


def _slice_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    idx = tuple(slice(b, b + s) for b, s in zip(attrs["begin"], attrs["size"], strict=True))
    return [xs[0][idx].copy()]


def _slice_view(ins: list[TensorType], outs: list[TensorType], attrs: Attrs) -> list[ViewMap]:
    cs = contiguous_strides(ins[0].shape)
    return [ViewMap(outs[0].shape, cs, sum(b * s for b, s in zip(attrs["begin"], cs, strict=True)))]


register(OpDef("slice", "Slice", _slice_infer, _slice_kernel, View(_slice_view),
               attr_names=("begin", "size")))


def _unpack_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    shape, rank = types[0].shape, types[0].rank
    if rank == 0:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    axis = int(attrs.get("axis", 0))
    if not -rank <= axis < rank:
        raise ShapeError(f"axis = {axis} not in [{-rank}, {rank})")
    axis %= rank
    num = attrs.get("num")
    num = shape[axis] if num is None else int(num)
    if num != shape[axis]:
        raise ShapeError(f"Dimension must be {num} but is {shape[axis]}")
    attrs["axis"], attrs["num"] = axis, num
    part = TensorType(shape[:axis] + shape[axis + 1:], types[0].dtype)
    return [part] * num


def _unpack_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    return [np.take(xs[0], i, axis=attrs["axis"]).copy() for i in range(attrs["num"])]


def _unpack_view(ins: list[TensorType], outs: list[TensorType], attrs: Attrs) -> list[ViewMap]:
    cs, axis = contiguous_strides(ins[0].shape), attrs["axis"]
    rest = cs[:axis] + cs[axis + 1:]
    return [ViewMap(o.shape, rest, i * cs[axis]) for i, o in enumerate(outs)]


# num_results=0: the result count is decided by inference (attrs["num"]).
register(OpDef("unpack", "Unpack", _unpack_infer, _unpack_kernel, View(_unpack_view), num_results=0,
               attr_names=("axis", "num")))
