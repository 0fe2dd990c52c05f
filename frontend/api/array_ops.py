"""Creation and layout ops of the surface (`constant`, `ones`, `reshape`, `concat`, ...).

Shapes, axes and perms are static: they become op attrs, never tensors. Ops whose value only
depends on static shapes (`ones_like`, `shape`, `rank`, `range`) are constants, named as TF
2.21 names the constants it folds them to in a graph. Indexing lives in slicing.py.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from gradc.compiler.ir.types import DType
from gradc.compiler.ir.unknown_dims import set_unknown, unknown

from ..tensor import EagerTensor, Tensor
from ..tracing import current, dtype_of, static_value, to_array, to_value, wrap
from .opscope import OpScope, call
from .slicing import getitem  # noqa: F401  (Tensor.__getitem__ calls array_ops.getitem)


def _dtype(dtype: Any) -> DType | None:
    return None if dtype is None else DType.coerce(dtype)


def _const(arr: np.ndarray, name: str) -> Any:
    tr = current()
    if tr is None:
        return EagerTensor(arr)
    return wrap(tr.builder.constant(arr, name=name))


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str = "Const") -> Any:
    arr = to_array(value, _dtype(dtype))
    if shape is not None:
        shape = _dims(shape)
        arr = np.broadcast_to(arr, shape).copy() if arr.size == 1 else arr.reshape(shape)
    return _const(arr, name)


def _dims(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, Tensor):
        known = static_value(shape)
        if known is None:
            raise TypeError(f"shape must be known while staging (a Python list, a constant or tf.shape(...)); "
                            f"{shape.name} is computed at run time")
        shape = known.tolist()
    if isinstance(shape, EagerTensor):
        shape = shape.numpy().tolist()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(_dim(d) for d in shape)


def _dim(d: Any) -> int:
    """One entry of a shape list: a Python int, or a scalar tensor known while staging."""
    if isinstance(d, (Tensor, EagerTensor)):
        known = static_value(d)
        if known is None or known.ndim != 0:
            raise TypeError(f"shape entries must be known while staging; {d!r} is computed at run time")
        return int(known)
    return int(d)


def _static_shape(x: Any) -> tuple[int, ...]:
    if isinstance(x, (Tensor, EagerTensor)):
        return tuple(x.shape)
    return tuple(to_array(x).shape)


def ones(shape: Any, dtype: Any = DType.float32, name: str | None = None) -> Any:
    return _const(np.ones(_dims(shape), DType.coerce(dtype).np), name or "ones")


def zeros(shape: Any, dtype: Any = DType.float32, name: str | None = None) -> Any:
    return _const(np.zeros(_dims(shape), DType.coerce(dtype).np), name or "zeros")


def _like(input: Any, dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
    dt = _dtype(dtype) or dtype_of(input) or DType.from_np(to_array(input).dtype)
    return _static_shape(input), dt.np


def ones_like(input: Any, dtype: Any = None, name: str | None = None) -> Any:
    shape, dt = _like(input, dtype)
    return _const(np.ones(shape, dt), name or "ones_like")


def zeros_like(input: Any, dtype: Any = None, name: str | None = None) -> Any:
    shape, dt = _like(input, dtype)
    return _const(np.zeros(shape, dt), name or "zeros_like")


def fill(dims: Any, value: Any, name: str | None = None) -> Any:
    return call("fill", [value], name or "Fill", {"dims": _dims(dims)}, args=("value",), dtype=None)


def identity(input: Any, name: str | None = None) -> Any:
    return call("identity", [input], name or "Identity", args=("input",), dtype=None)


def stop_gradient(input: Any, name: str | None = None) -> Any:
    return call("stop_gradient", [input], name or "StopGradient", args=("input",), dtype=None)


def reshape(tensor: Any, shape: Any, name: str | None = None) -> Any:
    dims = _dims(shape)
    out = call("reshape", [tensor], name or "Reshape", {"shape": dims}, args=("tensor",), dtype=None)
    tr = current()
    if tr is not None and tr.fn.unknown_dims and isinstance(out, Tensor):
        # TF knows every dim given as a number; the -1 dim only if the input's shape is known.
        v = to_value(out)
        if v.op is not None and v.op.opdef == "reshape":
            src_unknown = any(unknown(tr.fn, v.op.operands[0]))
            set_unknown(tr.fn, v, tuple(d == -1 and src_unknown for d in dims))
    return out


def cast(x: Any, dtype: Any, name: str | None = None) -> Any:
    """TF's cast: no op at all when the dtype already matches."""
    dt = DType.coerce(dtype)
    with OpScope(name or "Cast") as s:
        x = s.convert(x, None, "x")
    if dtype_of(x) == dt:
        return x
    return call("cast", [x], s.final_name(), {"dtype": dt}, dtype=None)


_RANGE_ORDER = [DType.int32, DType.int64, DType.float32, DType.float64]


def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None, name: str = "range") -> Any:  # noqa: A001
    """tf.range as a constant; values accumulate in the dtype as TF's Range kernel does."""
    if limit is None:
        start, limit = 0, start
    if any(isinstance(v, Tensor) for v in (start, limit, delta)):
        raise TypeError("tf.range needs values known while staging (Python numbers or constants)")
    arrs = [to_array(v, _dtype(dtype) if dtype_of(v) is None else None) for v in (start, limit, delta)]
    dt = _dtype(dtype) or max((DType.from_np(a.dtype) for a in arrs), key=_RANGE_ORDER.index)
    s, lim, d = (a.astype(dt.np).item() for a in arrs)
    if d == 0:
        raise ValueError("Requires delta != 0")
    if (d > 0 and s > lim) or (d < 0 and s < lim):
        rel, sign = ("<=", ">") if d > 0 else (">=", "<")
        raise ValueError(f"Requires start {rel} limit when delta {sign} 0: {s}/{lim}")
    span, step = builtins.abs(lim - s), builtins.abs(d)
    n = (span + step - 1) // step if dt.is_int else int(np.ceil(span / step))
    steps = np.full(int(n), d, dtype=dt.np)
    if n:
        steps[0] = s
    return _const(np.cumsum(steps, dtype=dt.np), name)


# -- layout -------------------------------------------------------------------------------------


def transpose(a: Any, perm: Any = None, conjugate: bool = False, name: str = "transpose") -> Any:
    p = None if perm is None else _dims(perm)
    return call("transpose", [a], name, {"perm": p}, args=("a",), dtype=None)


def expand_dims(input: Any, axis: Any, name: str | None = None) -> Any:
    return call("expand_dims", [input], name or "ExpandDims", {"axis": int(_scalar(axis))}, args=("input",),
                dtype=None)


def squeeze(input: Any, axis: Any = None, name: str | None = None) -> Any:
    axes = None if axis is None else _dims(axis)
    return call("squeeze", [input], name or "Squeeze", {"axes": axes}, args=("input",), dtype=None)


def broadcast_to(input: Any, shape: Any, name: str | None = None) -> Any:
    return call("broadcast_to", [input], name or "BroadcastTo", {"shape": _dims(shape)}, args=("input",),
                dtype=None)


def tile(input: Any, multiples: Any, name: str | None = None) -> Any:
    return call("tile", [input], name or "Tile", {"multiples": _dims(multiples)}, args=("input",), dtype=None)


def concat(values: Any, axis: Any, name: str = "concat") -> Any:
    values = list(values)
    if len(values) == 1:
        return identity(values[0], name=name)  # TF: a single value is an Identity named `concat`
    return call("concat", values, name, {"axis": int(_scalar(axis))}, args=("values",))


def stack(values: Any, axis: int = 0, name: str = "stack") -> Any:
    return call("pack", list(values), name, {"axis": int(_scalar(axis))}, args=("values",))


def unstack(value: Any, num: Any = None, axis: int = 0, name: str = "unstack") -> list[Any]:
    attrs = {"axis": int(_scalar(axis)), "num": None if num is None else int(num)}
    return list(call("unpack", [value], name, attrs, args=("value",), dtype=None))


def _scalar(v: Any) -> Any:
    if isinstance(v, Tensor):
        known = static_value(v)
        if known is None:
            raise TypeError(f"axis must be known while staging: {v.name} is computed at run time")
        return known.item()
    return to_array(v).item() if isinstance(v, EagerTensor) else v


# -- static shape queries (constants: shapes are static) ---------------------------------------


def shape(input: Any, out_type: Any = DType.int32, name: str | None = None) -> Any:
    return _const(np.asarray(_static_shape(input), DType.coerce(out_type).np), name or "Shape")


def rank(input: Any, name: str | None = None) -> Any:
    return _const(np.asarray(len(_static_shape(input)), np.int32), name or "Rank")


def size(input: Any, out_type: Any = DType.int32, name: str | None = None) -> Any:
    n = int(np.prod(_static_shape(input)))
    return _const(np.asarray(n, DType.coerce(out_type).np), name or "Size")


__all__ = [
    "constant", "ones", "zeros", "fill", "ones_like", "zeros_like", "identity", "stop_gradient",
    "reshape", "cast", "range", "transpose", "expand_dims", "squeeze", "broadcast_to", "tile",
    "concat", "stack", "unstack", "shape", "rank", "size",
]
