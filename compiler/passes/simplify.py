"""simplify: algebraic identities that make an op equal to one of its operands.

Rules (a "one"/"zero" is a `constant` op whose elements are all 1/0):
    x*1, 1*x, x/1, x+0, 0+x, x-0  → x   only when the result type equals x's type (a
                                         broadcasting constant changes the shape: no identity)
    identity(x), add_n(x)         → x
    reshape(x) to x's own shape   → x
    cast(x) to x's own dtype      → x
    neg(neg(x))                   → x
As in TensorFlow's grappler, `x+0 → x` ignores IEEE signed zero (-0.0 + 0.0 is +0.0); every
other rule is exact. Replaced ops are removed; constants they leave unused are left to dce.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..ir.core import Function, Op, Value
from .manager import Pass
from .rewrite import Substitution, constant_value


def _all(v: Value, x: int) -> bool:
    a = constant_value(v)
    return a is not None and bool(np.all(a == x))


def _keeps_type(op: Op, x: Value) -> Value | None:
    return x if op.result.type == x.type else None


def _mul(op: Op) -> Value | None:
    a, b = op.operands
    if _all(b, 1) and _keeps_type(op, a):
        return a
    return _keeps_type(op, b) if _all(a, 1) else None


def _add(op: Op) -> Value | None:
    a, b = op.operands
    if _all(b, 0) and _keeps_type(op, a):
        return a
    return _keeps_type(op, b) if _all(a, 0) else None


def _right_unit(unit: int) -> Callable[[Op], Value | None]:
    def rule(op: Op) -> Value | None:
        a, b = op.operands
        return _keeps_type(op, a) if _all(b, unit) else None

    return rule


def _same_type(op: Op) -> Value | None:
    return _keeps_type(op, op.operands[0])


def _neg(op: Op) -> Value | None:
    inner = op.operands[0].op
    return inner.operands[0] if inner is not None and inner.opdef == "neg" else None


def _single(op: Op) -> Value | None:
    return op.operands[0] if len(op.operands) == 1 else None


RULES: dict[str, Callable[[Op], Value | None]] = {
    "mul": _mul,
    "add": _add,
    "sub": _right_unit(0),
    "div": _right_unit(1),
    "identity": _same_type,
    "reshape": _same_type,
    "cast": _same_type,
    "neg": _neg,
    "add_n": _single,
}


@dataclass
class Simplify(Pass):
    name = "simplify"

    def run(self, fn: Function) -> bool:
        sub = Substitution()
        for op in fn.ops:
            sub.visit(op)
            rule = RULES.get(op.opdef)
            new = rule(op) if rule is not None and len(op.results) == 1 else None
            if new is not None:
                sub.replace_op(op, [new])
        return sub.finish(fn)
