"""dce: dead code elimination — remove ops whose results no function output needs.

Liveness flows backwards from `fn.outputs`. Ops without results (`no_op`) are dead too:
gradc's IR is functional and has no control dependencies, so such an op has no effect.
Function arguments are never removed, used or not (they are the calling convention).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir.core import Function, Op, Value
from .manager import Pass


@dataclass
class DeadCodeElimination(Pass):
    name = "dce"

    def run(self, fn: Function) -> bool:
        live: set[Value] = set(fn.outputs)
        kept: list[Op] = []
        for op in reversed(fn.ops):
            if any(r in live for r in op.results):
                kept.append(op)
                live.update(op.operands)
        if len(kept) == len(fn.ops):
            return False
        fn.ops = kept[::-1]
        return True
