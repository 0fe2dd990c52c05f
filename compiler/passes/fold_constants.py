"""fold-constants: evaluate ops whose operands are all constants into new `constant` ops.

The op's reference kernel computes the value, exactly as the interpreter would, so folding
never changes results. The constant keeps the folded op's TF name and location (extra
results of a multi-result op get fresh unique names). Not folded: constants themselves, ops
without results, stateful ops (an OpDef with `stateful = True`, e.g. random ops), results
larger than `max_elements` (they would bloat the binary), and ops whose kernel raises (the
error, if any, belongs at run time). Chains fold in one run: a folded op's users see a constant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir.core import Function, Op
from ..ops import registry
from .manager import Pass
from .rewrite import Substitution, constant_value

MAX_FOLD_ELEMENTS = 1_000_000


@dataclass
class FoldConstants(Pass):
    name = "fold-constants"
    max_elements: int = MAX_FOLD_ELEMENTS

    def run(self, fn: Function) -> bool:
        sub = Substitution()
        new_ops: list[Op] = []
        for op in fn.ops:
            sub.visit(op)
            consts = self._fold(fn, op)
            if consts is None:
                new_ops.append(op)
                continue
            sub.replace_op(op, [c.result for c in consts])
            new_ops.extend(consts)  # in the folded op's place, so before all its users
        fn.ops = new_ops
        return sub.finish(fn)

    def _fold(self, fn: Function, op: Op) -> list[Op] | None:
        od = registry.get(op.opdef)
        if op.opdef == "constant" or not op.results or getattr(od, "stateful", False):
            return None
        if sum(r.type.size for r in op.results) > self.max_elements:
            return None
        inputs = [constant_value(v) for v in op.operands]
        if any(a is None for a in inputs):
            return None
        arrays = [_readonly(a) for a in inputs if a is not None]
        try:
            with np.errstate(all="ignore"):
                outs = od.kernel(arrays, dict(op.attrs))
            values = [np.array(o, dtype=r.type.dtype.np, copy=True).reshape(r.type.shape)
                      for r, o in zip(op.results, outs, strict=True)]
        except Exception:  # noqa: BLE001 - a kernel error (or a kernel writing its input) means: leave it
            return None
        consts = []
        for r, value in zip(op.results, values, strict=True):
            name = op.name if r.index == 0 else fn.unique_name(f"{op.name}_{r.index}")
            consts.append(Op("constant", [], [r.type], {"value": value}, name, op.loc))
        return consts


def _readonly(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.flags.writeable = False  # a kernel must not edit the constant it reads
    return view
