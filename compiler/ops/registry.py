"""The op registry: one `OpDef` per op kind (ops are data).

An `OpDef` holds everything the compiler knows about an op kind: shape/dtype inference, a
NumPy reference kernel (the interpreter and the constant folder use it), how it lowers to
native code (a small declarative spec interpreted by `gradc.compiler.lowering`), and whether
it is differentiable. Gradient rules live in `gradc.compiler.autodiff.rules`, keyed by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..ir.types import TensorType

Attrs = dict[str, Any]
InferFn = Callable[[list[TensorType], Attrs], list[TensorType]]
KernelFn = Callable[[list[np.ndarray], Attrs], list[np.ndarray]]


# ---------------------------------------------------------------------------------------------
# Lowering specs: what shape of loop nest an op becomes. The LLVM and MLIR lowerings interpret
# these; an op never carries code generation of its own.


@dataclass(frozen=True)
class ViewMap:
    """Read (or write) a contiguous tensor of `shape` elements at `offset + sum(i_k * strides[k])`.

    Describes every layout op (reshape, transpose, broadcast, slices, tile, ...) as strided
    access to the operand's flat buffer; strides may be 0 (broadcast) or negative (reverse).
    """

    shape: tuple[int, ...]
    strides: tuple[int, ...]
    offset: int = 0
    operand: int = 0


@dataclass(frozen=True)
class Elementwise:
    """out[i] = scalar(args broadcast to the result shape). `scalar` names a scalar emitter."""

    scalar: str


@dataclass(frozen=True)
class Reduce:
    """Reduce operand 0 over attrs['axes'] with `combine` in {add, mul, max, min}; `mean` divides."""

    combine: str
    mean: bool = False


@dataclass(frozen=True)
class View:
    """Each result is a copy of operand data through a ViewMap: fn(in_types, out_types, attrs)."""

    fn: Callable[[list[TensorType], list[TensorType], Attrs], list[ViewMap]]


@dataclass(frozen=True)
class Assemble:
    """The result is built by writing operands into it through ViewMaps (concat, slice grads).

    fn(in_types, out_type, attrs) -> [ViewMap whose `operand` is written, with the map
    addressing the *output* buffer]. Elements no map writes are zero when `zero_fill`.
    """

    fn: Callable[[list[TensorType], TensorType, Attrs], list[ViewMap]]
    zero_fill: bool = True


@dataclass(frozen=True)
class MatMul:
    """Batched-free 2-D matrix product with attrs transpose_a / transpose_b."""


@dataclass(frozen=True)
class Expand:
    """A composite: fn(builder, op) emits primitive ops and returns values replacing op.results."""

    fn: Callable[[Any, Any], list[Any]]


@dataclass(frozen=True)
class ConstantData:
    """A constant: attrs['value'] (a NumPy array) is materialised in the binary."""


@dataclass(frozen=True)
class NoCode:
    """Produces no code (NoOp); has no results."""


LoweringSpec = Elementwise | Reduce | View | Assemble | MatMul | Expand | ConstantData | NoCode


@dataclass
class OpDef:
    """Everything gradc knows about one op kind."""

    name: str  # IR name, printed as "gradc.<name>"
    tf_type: str  # TensorFlow's op type, the default instance name (Mul, AddV2, ...)
    infer: InferFn
    kernel: KernelFn
    lowering: LoweringSpec
    differentiable: bool = True
    num_results: int = 1
    doc: str = ""
    attr_names: Sequence[str] = field(default_factory=tuple)


REGISTRY: dict[str, OpDef] = {}


def register(opdef: OpDef) -> OpDef:
    if opdef.name in REGISTRY:
        raise ValueError(f"op {opdef.name!r} registered twice")
    REGISTRY[opdef.name] = opdef
    return opdef


def get(name: str) -> OpDef:
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown op 'gradc.{name}'") from None
