"""The NumPy reference interpreter: runs the IR op by op with each OpDef's reference kernel.

It is the oracle for differential tests of native code, and a debugging mode for users
(`gradc.function(..., interpret=True)`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gradc.compiler.ir.core import Function, Value
from gradc.compiler.ops import registry


def interpret(fn: Function, args: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Evaluate `fn` on NumPy arrays; returns its outputs in order."""
    if len(args) != len(fn.args):
        raise TypeError(f"{fn.name} takes {len(fn.args)} arguments, got {len(args)}")
    env: dict[Value, np.ndarray] = {}
    for v, a in zip(fn.args, args):
        env[v] = np.asarray(a, dtype=v.type.dtype.np).reshape(v.type.shape)
    for op in fn.ops:
        od = registry.get(op.opdef)
        outs = od.kernel([env[v] for v in op.operands], op.attrs)
        for r, o in zip(op.results, outs):
            env[r] = np.asarray(o, dtype=r.type.dtype.np).reshape(r.type.shape)
    return [env[v] for v in fn.outputs]
