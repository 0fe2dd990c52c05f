"""Expansion of `Expand` composites before MLIR emission, via the shared LLVM-lowering pass.

`gradc.compiler.lowering.llvm.expand.expand` rewrites a copy of the function (the caller's IR
is never mutated). Its `max_rounds` counts single composite expansions, not passes, so it is
sized here from the function: every composite may expand into a few nested composites.
"""

from __future__ import annotations

from gradc.compiler.ir.core import Function
from gradc.compiler.lowering.llvm.expand import expand
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import Expand

# Nesting budget per composite op (softmax_xent → sum/max/... is depth 1 today).
ROUNDS_PER_COMPOSITE = 16


def expand_composites(fn: Function) -> Function:
    """`fn` itself if it has no Expand ops, else an expanded copy."""
    n = sum(isinstance(registry.get(op.opdef).lowering, Expand) for op in fn.ops)
    if n == 0:
        return fn
    return expand(fn, max_rounds=ROUNDS_PER_COMPOSITE * n + 1)
