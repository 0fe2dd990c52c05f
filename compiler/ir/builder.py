"""Builds ops into a Function: runs the registry's inference, names ops as TensorFlow does.

The builder keeps TensorFlow's name stack (`name_scope`), the current source location (the
frontend sets it per statement; autodiff sets it to the forward op's location), and an
insertion point. Inference failures become ShapeError/DTypeError naming the op, its type,
and its input shapes and dtypes, as TensorFlow's messages do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..ops import registry
from .core import UNKNOWN_LOC, Function, Loc, Op, Value
from .types import DType, TensorType
from .unknown_dims import propagate as propagate_unknown


class Builder:
    """Appends ops to `fn` (or inserts them before `insert_before`)."""

    def __init__(self, fn: Function, loc: Loc = UNKNOWN_LOC) -> None:
        self.fn = fn
        self.loc = loc
        self.scope = ""  # TensorFlow's name stack, '' at the root
        self.insert_at: int | None = None  # index in fn.ops, None = append

    # -- naming ---------------------------------------------------------------------------------

    def unique_name(self, base: str) -> str:
        full = f"{self.scope}/{base}" if self.scope else base
        return self.fn.unique_name(full)

    @contextlib.contextmanager
    def name_scope(self, name: str | None) -> Iterator[str]:
        """TensorFlow's name_scope: unique-ified, `x/` re-enters, '' is the root."""
        old = self.scope
        if name is None or name == "":
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            new = self.unique_name(name)
        self.scope = new
        try:
            yield new
        finally:
            self.scope = old

    @contextlib.contextmanager
    def at(self, loc: Loc) -> Iterator[None]:
        old = self.loc
        self.loc = loc
        try:
            yield
        finally:
            self.loc = old

    # -- creating ops ---------------------------------------------------------------------------

    def create(
        self,
        opdef: str,
        operands: Sequence[Value],
        attrs: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> Op:
        """Infer result types, name the op (default: its TF type) and insert it."""
        od = registry.get(opdef)
        attrs = dict(attrs or {})
        in_types = [v.type for v in operands]
        # As in TensorFlow, a name ending in "/" (a scope's own name) is used exactly.
        op_name = name[:-1] if name and name.endswith("/") else self.unique_name(name or od.tf_type)
        out_types = check_inference(od, in_types, attrs, op_name)
        op = Op(opdef, list(operands), out_types, attrs, op_name, self.loc)
        if self.fn.unknown_dims:  # only for input_signatures with None dims
            propagate_unknown(self.fn, op)
        if self.insert_at is None:
            self.fn.ops.append(op)
        else:
            self.fn.ops.insert(self.insert_at, op)
            self.insert_at += 1
        return op

    def emit(self, opdef: str, *operands: Value, name: str | None = None, **attrs: Any) -> Value:
        """Create a single-result op and return its value."""
        return self.create(opdef, list(operands), attrs, name).result

    def constant(self, value: Any, dtype: DType | None = None, name: str = "Const") -> Value:
        arr = np.asarray(value, dtype=None if dtype is None else dtype.np)
        if dtype is None and not isinstance(value, (np.ndarray, np.generic)):
            arr = _default_cast(arr)  # Python numbers: float32/int32, as TF converts them
        if not arr.dtype.isnative:  # big-endian data: native code reads machine-order bytes
            arr = arr.astype(arr.dtype.newbyteorder("="))
        return self.emit("constant", name=name, value=arr)

    def add_arg(self, name: str, type: TensorType) -> Value:
        v = Value(type, None, 0, self.fn.unique_name(name))
        self.fn.args.append(v)
        return v


def check_inference(
    od: registry.OpDef, in_types: list[TensorType], attrs: dict[str, Any], op_name: str
) -> list[TensorType]:
    """Run an op's inference; shape errors name the op, its type and input shapes."""
    try:
        return od.infer(in_types, attrs)
    except ShapeError as e:
        raise ShapeError(_describe(e, od, op_name, in_types)) from None


def _default_cast(arr: np.ndarray) -> np.ndarray:
    """Python floats become float32 and ints int32, as TensorFlow converts them."""
    if arr.dtype == np.float64:
        return arr.astype(np.float32)
    if arr.dtype == np.int64:
        return arr.astype(np.int32)
    return arr


def _describe(e: Exception, od: registry.OpDef, op_name: str, in_types: list[TensorType]) -> str:
    shapes = ", ".join("[" + ",".join(str(d) for d in t.shape) + "]" for t in in_types)
    dtypes = ", ".join(t.dtype.name for t in in_types)
    return (
        f"{e} for '{{{{node {op_name}}}}} = {od.tf_type}[...]' with input shapes: {shapes} "
        f"(dtypes: {dtypes})."
    )
