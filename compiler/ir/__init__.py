"""The SSA tensor IR: types, values, ops, functions, the builder, printer, parser and verifier."""

from .core import UNKNOWN_LOC, Function, Loc, Op, Value
from .types import DType, TensorType

__all__ = ["UNKNOWN_LOC", "DType", "Function", "Loc", "Op", "TensorType", "Value"]
