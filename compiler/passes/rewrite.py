"""Helpers shared by the rewriting passes: value substitution in one sweep, constant lookup.

Passes walk ops in definition order. Replacing a value eagerly with `Function.replace_all_uses`
would rescan the whole function per replacement (quadratic on large gradient graphs), so
passes record replacements in a `Substitution` instead: each op's operands are rewritten just
before the pass looks at it, and the outputs once at the end. A replacement is always defined
before the value it replaces, so every recorded target is already final.
"""

from __future__ import annotations

import numpy as np

from ..ir.core import Function, Op, Value


class Substitution:
    """Pending replacements of values (old → new) and the ops they made dead."""

    def __init__(self) -> None:
        self.map: dict[Value, Value] = {}
        self.dead: set[Op] = set()

    def replace_op(self, op: Op, new: list[Value]) -> None:
        """`op` goes away; each of its results is replaced by the value at the same index."""
        for r, v in zip(op.results, new, strict=True):
            self.map[r] = v
        self.dead.add(op)

    def visit(self, op: Op) -> None:
        """Rewrite `op`'s operands through the replacements recorded so far."""
        if self.map and any(v in self.map for v in op.operands):
            op.operands = [self.map.get(v, v) for v in op.operands]

    def finish(self, fn: Function) -> bool:
        """Drop dead ops and fix `fn.outputs`; returns whether anything changed."""
        fn.outputs = [self.map.get(v, v) for v in fn.outputs]
        if self.dead:
            fn.ops = [op for op in fn.ops if op not in self.dead]
        return bool(self.map or self.dead)


def constant_value(v: Value) -> np.ndarray | None:
    """The array of a value defined by a `constant` op, else None."""
    if v.op is None or v.op.opdef != "constant":
        return None
    return np.asarray(v.op.attrs["value"])
