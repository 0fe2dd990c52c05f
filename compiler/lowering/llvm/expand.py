"""Expands `Expand(fn)` composites into primitive ops, on a copy of the function.

The copy clones every op (fresh result Values, operands remapped) so rewriting it never
touches the caller's IR. Each composite's `fn(builder, op)` emits replacement ops at the
composite's position; expansion repeats until no composite is left (composites may emit
composites).
"""

from __future__ import annotations

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function, Op, Value
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import Expand


def clone(fn: Function) -> Function:
    """A deep-enough copy: new Ops and result Values; arguments and attr values are shared."""
    new = Function(fn.name, list(fn.args), [], [], dict(fn.names_in_use))
    vmap: dict[Value, Value] = {a: a for a in fn.args}
    for op in fn.ops:
        c = Op(op.opdef, [vmap[v] for v in op.operands], [r.type for r in op.results], dict(op.attrs),
               op.name, op.loc)
        vmap.update(zip(op.results, c.results, strict=False))
        new.ops.append(c)
    new.outputs = [vmap[v] for v in fn.outputs]
    return new


def expand(fn: Function, max_rounds: int = 64) -> Function:
    """A copy of `fn` with every Expand composite replaced by the ops its fn emits (`fn`
    itself when it has none: nothing would be rewritten)."""
    if not any(_is_composite(op) for op in fn.ops):
        return fn
    out = clone(fn)
    for _ in range(max_rounds):
        i = next((k for k, op in enumerate(out.ops) if _is_composite(op)), None)
        if i is None:
            return out
        op = out.ops.pop(i)
        spec = registry.get(op.opdef).lowering
        assert isinstance(spec, Expand)
        b = Builder(out, op.loc)
        b.insert_at = i
        with b.name_scope(op.name + "/"):  # expansion ops are named under the composite
            repl = list(spec.fn(b, op))
        if len(repl) != len(op.results):
            raise ValueError(f"expansion of {op.opdef} gave {len(repl)} values for {len(op.results)} results")
        for old, new in zip(op.results, repl, strict=False):
            if new.type != old.type:
                raise ValueError(f"expansion of {op.opdef} changed {old.name} from {old.type} to {new.type}")
            out.replace_all_uses(old, new)
    raise RuntimeError(f"Expand composites still present after {max_rounds} rounds in {fn.name}")


def _is_composite(op: Op) -> bool:
    return isinstance(registry.get(op.opdef).lowering, Expand)
