"""Expansion of `Expand` composites on a copy of the function, before MLIR emission.

The shared pass (`gradc.compiler.lowering.llvm.expand`) is used when it exists; until then a
local helper applies each composite's `Expand.fn(builder, op)` at the op's position, with the
op's location and TF name as name scope, and repeats until no composite is left (a composite
may expand into other composites). The caller's function is never mutated.
"""

from __future__ import annotations

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function, Op, Value
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import Expand

# A composite chain deeper than this is almost surely a composite expanding into itself.
MAX_EXPANSIONS = 100_000


def clone(fn: Function) -> Function:
    """A copy with fresh Op/Value objects (attrs dicts copied; arrays shared, never mutated)."""
    new = Function(fn.name, names_in_use=dict(fn.names_in_use))
    vmap: dict[Value, Value] = {}
    for a in fn.args:
        na = Value(a.type, None, 0, a.arg_name)
        new.args.append(na)
        vmap[a] = na
    for op in fn.ops:
        nop = Op(op.opdef, [vmap[v] for v in op.operands], [r.type for r in op.results],
                 dict(op.attrs), op.name, op.loc)
        new.ops.append(nop)
        vmap.update(zip(op.results, nop.results, strict=True))
    new.outputs = [vmap[v] for v in fn.outputs]
    return new


def expand_composites(fn: Function) -> Function:
    """`fn` itself if it has no Expand ops, else an expanded copy."""
    if not any(isinstance(registry.get(op.opdef).lowering, Expand) for op in fn.ops):
        return fn
    new = clone(fn)
    i, count = 0, 0
    while i < len(new.ops):
        op = new.ops[i]
        spec = registry.get(op.opdef).lowering
        if not isinstance(spec, Expand):
            i += 1
            continue
        count += 1
        if count > MAX_EXPANSIONS:
            raise RuntimeError(f"expanding gradc.{op.opdef} does not terminate")
        b = Builder(new, op.loc)
        b.insert_at = i
        with b.name_scope(op.name + "/"):
            values = spec.fn(b, op)
        for r, v in zip(op.results, values, strict=True):
            new.replace_all_uses(r, v)
        new.ops.remove(op)
        # stay at i: the first new op (possibly itself a composite) now sits there
    return new
