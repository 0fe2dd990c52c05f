"""The tracing context: which Function is being staged, and how values enter it.

Op functions of the public surface (`gradc.add`, `gradc.nn.relu`, ...) all go through
`apply()`: while a function is being staged they add an op to its IR and return a symbolic
`Tensor`; outside one they run the op's reference kernel at once on NumPy (TF's eager mode)
and return an `EagerTensor`. Both paths run the same registry inference, so shape and dtype
errors read the same.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradc.compiler.ir.builder import Builder, check_inference
from gradc.compiler.ir.core import Function, Value
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.ops import registry

from .tensor import EagerTensor, Tensor


@dataclass
class Trace:
    """One function being staged."""

    fn: Function
    builder: Builder
    # EagerTensor / ndarray captured from outside, by id, so each becomes one constant.
    captures: dict[int, Value] = field(default_factory=dict)
    # Values computable while staging (constants and ops on them), for shape/axis/index args.
    static: dict[Value, np.ndarray | None] = field(default_factory=dict)
    # Enclosing tf.cond branches being staged (see api/control_flow.py).
    cond_frames: list[Any] = field(default_factory=list)
    # gradc.print calls (api/printing.py) and the values they print, extra outputs of the function.
    prints: list[Any] = field(default_factory=list)
    print_outputs: list[Value] = field(default_factory=list)


_STACK: list[Trace] = []


def current() -> Trace | None:
    return _STACK[-1] if _STACK else None


@contextlib.contextmanager
def tracing(trace: Trace) -> Iterator[Trace]:
    _STACK.append(trace)
    try:
        yield trace
    finally:
        _STACK.pop()


# -- conversion -----------------------------------------------------------------------------------


def is_tensor_like(x: Any) -> bool:
    return isinstance(x, (Tensor, EagerTensor, np.ndarray, np.generic))


def dtype_of(x: Any) -> DType | None:
    """The dtype a value already has (None for Python scalars and lists, which adapt)."""
    if isinstance(x, Tensor):
        return x.value.type.dtype
    if isinstance(x, EagerTensor):
        return DType.from_np(x.array.dtype)
    if isinstance(x, (np.ndarray, np.generic)):
        return DType.from_np(x.dtype)
    return None


def to_array(x: Any, dtype: DType | None = None) -> np.ndarray:
    """A Python/NumPy/eager value as an array, with TF's conversion rules.

    Python floats default to float32 and ints to int32; a requested dtype must hold the value
    (2.5 as int32 is a TypeError, as in TensorFlow).
    """
    if isinstance(x, EagerTensor):
        arr = x.array
    elif isinstance(x, (np.ndarray, np.generic)):
        arr = np.asarray(x)
    else:
        if isinstance(x, (list, tuple)):
            x = [v.numpy() if isinstance(v, EagerTensor) else v for v in x]
        arr = np.asarray(x)
        if arr.dtype == object:
            raise TypeError(f"Cannot convert {x!r} to a tensor")
        if dtype is None:
            if arr.dtype.kind == "f":
                arr = arr.astype(np.float32)
            elif arr.dtype.kind in "iu":
                arr = arr.astype(np.int32)
    if dtype is not None and arr.dtype != dtype.np:
        if not isinstance(x, (Tensor, EagerTensor, np.ndarray, np.generic)):
            if arr.dtype.kind == "f" and dtype.is_int and np.any(arr != np.round(arr)):
                raise TypeError(f"Cannot convert {x!r} to EagerTensor of dtype {dtype.name}")
            if dtype.is_bool and arr.dtype.kind != "b":
                raise TypeError(f"Cannot convert {x!r} to EagerTensor of dtype bool")
            arr = arr.astype(dtype.np)
        else:
            raise TypeError(
                f"Tensor conversion requested dtype {dtype.name} for Tensor with dtype "
                f"{DType.from_np(arr.dtype).name}"
            )
    return arr


def to_value(x: Any, dtype: DType | None = None, name: str = "Const") -> Value:
    """Any tensor-like value as an IR value of the current trace (constants for Python data)."""
    tr = current()
    assert tr is not None, "to_value needs an active trace"
    if isinstance(x, Tensor):
        if x.trace is not tr:
            raise ValueError(
                f"Tensor {x.value.name} belongs to another function: a symbolic tensor cannot "
                "escape the function that created it"
            )
        if dtype is not None and x.value.type.dtype != dtype:
            raise TypeError(
                f"Tensor conversion requested dtype {dtype.name} for Tensor with dtype "
                f"{x.value.type.dtype.name}: {x!r}"
            )
        if tr.cond_frames:
            from .api.control_flow import gate_captured

            return gate_captured(tr, x.value)
        return x.value
    if isinstance(x, EagerTensor) and dtype in (None, DType.from_np(x.array.dtype)):
        key = id(x)
        if key not in tr.captures:
            tr.captures[key] = tr.builder.constant(x.array, name=name)
        return tr.captures[key]
    return tr.builder.constant(to_array(x, dtype), name=name)


def static_value(x: Any, limit: int = 1 << 16) -> np.ndarray | None:
    """The value of a tensor if it is known while staging (a constant, or ops on constants).

    TensorFlow accepts such tensors where it needs a static value (a shape, an axis, an
    index): `tf.reshape(x, tf.shape(y))`, `x[tf.shape(x)[0] - 1]`. Other tensors give None.
    """
    if not isinstance(x, Tensor):
        return to_array(x) if isinstance(x, (EagerTensor, np.ndarray, np.generic)) else None
    tr = x.trace

    def value(v: Value) -> np.ndarray | None:
        if v in tr.static:
            return tr.static[v]
        out: np.ndarray | None = None
        op = v.op
        if op is not None and v.type.size <= limit:
            if op.opdef == "constant":
                out = np.asarray(op.attrs["value"])
            elif op.operands and all(value(u) is not None for u in op.operands):
                od = registry.get(op.opdef)
                results = od.kernel([tr.static[u] for u in op.operands], dict(op.attrs))  # type: ignore[misc]
                out = np.asarray(results[v.index], dtype=v.type.dtype.np).reshape(v.type.shape)
        tr.static[v] = out
        return out

    return value(x.value)


def wrap(v: Value) -> Tensor:
    tr = current()
    assert tr is not None
    return Tensor(v, tr)


# -- applying ops ---------------------------------------------------------------------------------


def common_dtype(inputs: Sequence[Any]) -> DType | None:
    """The dtype Python scalars adopt: that of the first input that has one (TF's rule)."""
    for x in inputs:
        d = dtype_of(x)
        if d is not None:
            return d
    return None


def apply(
    opdef: str,
    inputs: Sequence[Any],
    attrs: dict[str, Any] | None = None,
    name: str | None = None,
    dtype: DType | None | str = "common",
) -> Any:
    """Run or stage one op. Returns a Tensor/EagerTensor, or a list of them for multi-result ops.

    `dtype="common"` converts Python-scalar inputs to the dtype of the first typed input (as
    TensorFlow's binary ops do); `None` converts each input on its own; a DType forces one.
    """
    attrs = dict(attrs or {})
    want = common_dtype(inputs) if dtype == "common" else dtype
    od = registry.get(opdef)
    tr = current()
    if tr is not None:
        vals = [to_value(x, want if dtype_of(x) is None else None) for x in inputs]
        op = tr.builder.create(opdef, vals, attrs, name)
        outs: list[Any] = [Tensor(r, tr) for r in op.results]
    else:
        arrays = [to_array(x, want if dtype_of(x) is None else None) for x in inputs]
        types = [TensorType(tuple(a.shape), DType.from_np(a.dtype)) for a in arrays]
        out_types = check_inference(od, types, attrs, name or od.tf_type)
        results = od.kernel(arrays, attrs)
        outs = [EagerTensor(np.asarray(r, dtype=t.dtype.np).reshape(t.shape)) for r, t in zip(results, out_types)]
    return outs[0] if od.num_results == 1 else outs
