"""cse: common subexpression elimination — merge ops identical in kind, operands and attributes.

The first op is kept (its TF name and location survive); later duplicates are replaced by it.
Operands are rewritten before an op is keyed, so merges cascade in one run. Attributes compare
by value and type (1, 1.0 and True differ; floats compare by bits so -0.0 and 0.0 differ) and
arrays by dtype, shape and bytes. Ops without results and stateful ops are never merged.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ir.core import Function, Op
from ..ops import registry
from .manager import Pass
from .rewrite import Substitution


@dataclass
class CommonSubexpressionElimination(Pass):
    name = "cse"

    def run(self, fn: Function) -> bool:
        sub = Substitution()
        seen: dict[Hashable, Op] = {}
        for op in fn.ops:
            sub.visit(op)
            if not op.results or getattr(registry.get(op.opdef), "stateful", False):
                continue
            try:
                key = (op.opdef, tuple(op.operands), freeze(op.attrs))
            except TypeError:  # an attribute we cannot compare: never merge this op
                continue
            first = seen.setdefault(key, op)
            if first is not op:
                sub.replace_op(op, first.results)
        return sub.finish(fn)


def freeze(v: Any) -> Hashable:
    """A hashable key equal for two attribute values exactly when they are interchangeable."""
    if isinstance(v, dict):
        return tuple(sorted((k, freeze(x)) for k, x in v.items()))
    if isinstance(v, np.ndarray):
        return ("ndarray", v.dtype.str, v.shape, np.ascontiguousarray(v).tobytes())
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return ("float", v.hex())
    if isinstance(v, (tuple, list)):
        return (type(v).__name__, tuple(freeze(x) for x in v))
    hash(v)  # raises TypeError for anything unhashable
    return (type(v).__name__, v)
