"""remove-stop-gradient: replace each `stop_gradient` op by its operand.

`stop_gradient` only matters to autodiff; once gradients are built it is an identity copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir.core import Function
from .manager import Pass
from .rewrite import Substitution


@dataclass
class RemoveStopGradient(Pass):
    name = "remove-stop-gradient"

    def run(self, fn: Function) -> bool:
        sub = Substitution()
        for op in fn.ops:
            sub.visit(op)
            if op.opdef == "stop_gradient":
                sub.replace_op(op, [op.operands[0]])
        return sub.finish(fn)
