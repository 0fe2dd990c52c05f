"""The SSA tensor IR: Loc, Value, Op and Function.

One generic `Op` node serves every op kind: its `opdef` names an entry of the op registry
(`gradc.compiler.ops`), so ops are data. Each op carries TensorFlow's op name (unique per
function, e.g. `gradients/mul_grad/Mul_1`), a source location, attributes, and the values it
defines. A `Function` is a straight-line list of ops in definition order (no regions: Python
control flow is evaluated while staging; `cond` becomes its captured inputs (`cond_inputs`), both
branches and selects).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .types import TensorType


@dataclass(frozen=True)
class Loc:
    """A source location: file, 1-based line and column."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


UNKNOWN_LOC = Loc("<unknown>", 0, 0)


class Value:
    """An SSA value: a function argument or one result of an op."""

    __slots__ = ("type", "op", "index", "arg_name", "__weakref__")

    def __init__(self, type: TensorType, op: Op | None = None, index: int = 0, arg_name: str = "") -> None:
        self.type = type
        self.op = op
        self.index = index
        self.arg_name = arg_name

    @property
    def name(self) -> str:
        """TensorFlow's tensor name: `op_name:index` (`x:0` for an argument)."""
        if self.op is None:
            return f"{self.arg_name}:0"
        return f"{self.op.name}:{self.index}"

    @property
    def op_name(self) -> str:
        return self.arg_name if self.op is None else self.op.name

    def __repr__(self) -> str:
        return f"<Value {self.name} {self.type}>"


class Op:
    """One operation: registry kind, operands, results, attributes, TF name and location."""

    __slots__ = ("opdef", "operands", "results", "attrs", "name", "loc")

    def __init__(
        self,
        opdef: str,
        operands: list[Value],
        result_types: list[TensorType],
        attrs: dict[str, Any] | None = None,
        name: str = "",
        loc: Loc = UNKNOWN_LOC,
    ) -> None:
        self.opdef = opdef
        self.operands = list(operands)
        self.results = [Value(t, self, i) for i, t in enumerate(result_types)]
        self.attrs: dict[str, Any] = dict(attrs or {})
        self.name = name
        self.loc = loc

    @property
    def result(self) -> Value:
        assert len(self.results) == 1, f"{self.opdef} has {len(self.results)} results"
        return self.results[0]

    def __repr__(self) -> str:
        return f"<Op {self.opdef} {self.name!r}>"


@dataclass
class Function:
    """A staged function: arguments, ops in definition order, and flat outputs."""

    name: str
    args: list[Value] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    outputs: list[Value] = field(default_factory=list)
    # TensorFlow's `_names_in_use`: lower-cased name -> count, shared by ops and name scopes.
    names_in_use: dict[str, int] = field(default_factory=dict)
    # Names of the ops autodiff added (dumps show the staged program without them as `ir`).
    autodiff_ops: set[str] = field(default_factory=set)
    # Ops staged inside a tf.cond branch (name -> the innermost cond's scope). TensorFlow builds
    # their gradients inside the If gradient's branch functions, whose names the outer graph
    # never sees, so autodiff keeps their aggregation out of the `<scope>/AddN[_k]` sequence.
    # Staging-time naming information only: the IR text does not carry it.
    branch_ops: dict[str, str] = field(default_factory=dict)
    # Per value, which dims TensorFlow would not know statically (an input_signature's None
    # dims and what follows from them; unknown_dims.py). Empty unless the signature has None
    # dims; staging-time information only, not in the IR text.
    unknown_dims: dict[Value, tuple[bool, ...]] = field(default_factory=dict)

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """TensorFlow's Graph.unique_name: case-insensitive uniqueness with `_N` suffixes."""
        key = name.lower()
        i = self.names_in_use.get(key, 0)
        if mark_as_used:
            self.names_in_use[key] = i + 1
        if i > 0:
            base = key
            while key in self.names_in_use:
                key = f"{base}_{i}"
                i += 1
            if mark_as_used:
                self.names_in_use[key] = 1
            name = f"{name}_{i - 1}"
        return name

    def walk(self) -> Iterator[Op]:
        return iter(list(self.ops))

    def users(self) -> dict[Value, list[Op]]:
        """Map each value to the ops that use it (in op order)."""
        uses: dict[Value, list[Op]] = {}
        for op in self.ops:
            for v in op.operands:
                uses.setdefault(v, []).append(op)
        return uses

    def replace_all_uses(self, old: Value, new: Value) -> None:
        for op in self.ops:
            op.operands = [new if v is old else v for v in op.operands]
        self.outputs = [new if v is old else v for v in self.outputs]
