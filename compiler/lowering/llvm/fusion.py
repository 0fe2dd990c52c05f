"""Fusion planning: a pure function from an (expanded) Function to an ordered list of nodes.

A node is either a *loop* group (elementwise ops over one iteration shape plus reductions of
those values, emitted as one loop nest with no temporaries) or a single non-fusible *op*
(matmul, assemble, a materialised view copy, ...). The plan also records how every value is
held: `row` (a register inside its loop; stored only if materialised), `buffer` (memory),
`alias` (an identity view: same bytes as its source), `view` (a strided view folded into the
loads of its consumers; copied only if something needs it as a buffer) and `splat` (a uniform
constant, emitted as an immediate).

Rules (greedy, in op order; the node list is always a valid topological order):
- An elementwise op joins the group of an operand it reads at the same shape when every other
  operand is produced by a node placed *before* that group; otherwise it starts a group.
  When it joins the latest such group, an earlier candidate group whose external inputs all
  precede the earlier group is merged (the later group moves up).
- A reduction joins the group producing its operand as a sink; its result is available only
  after the loop, so nothing in the same group may read it.
- Sharing: a row value read by anything outside its group (another group, an op, an output)
  is *materialised* once (stored from its loop) rather than recomputed. Recompute would
  duplicate whole expression trees (often transcendentals) into every consumer, and within a
  shape the greedy rule already puts producers and consumers in one loop, so cross-group uses
  are broadcasts (recompute would multiply the cost) or inputs of non-fusible ops (which need
  memory anyway). This is the deliberate choice: recompute threshold 0.
- `fuse=False` makes every elementwise/reduce op its own loop group (the reference layout).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gradc.compiler.ir.core import Function, Op, Value
from gradc.compiler.ops import registry
from gradc.compiler.ops.common import contiguous_strides
from gradc.compiler.ops.registry import ConstantData, Elementwise, NoCode, Reduce, View, ViewMap


@dataclass(eq=False)
class Node:
    """One unit of emitted code. kind: 'loop' (fused) or 'op' (standalone kernel)."""

    kind: str
    ops: list[Op]
    shape: tuple[int, ...] = ()
    pos: int = 0
    dead: bool = False
    ext: list[Value] = field(default_factory=list)  # values read from outside the group

    def label(self) -> str:
        return ", ".join(op.name for op in self.ops)


@dataclass
class FusionPlan:
    nodes: list[Node] = field(default_factory=list)
    kind: dict[Value, str] = field(default_factory=dict)  # row/buffer/alias/view/splat/arg/const
    node_of: dict[Value, Node] = field(default_factory=dict)
    alias: dict[Value, Value] = field(default_factory=dict)  # alias -> root value
    view: dict[Value, ViewMap] = field(default_factory=dict)  # folded view -> map on root
    view_src: dict[Value, Value] = field(default_factory=dict)
    materialise: set[Value] = field(default_factory=set)  # row/view values that need memory
    order: dict[int, int] = field(default_factory=dict)  # id(op) -> position in fn.ops
    notes: list[str] = field(default_factory=list)  # schedule facts for describe() (rowblocks.py)

    def root(self, v: Value) -> Value:
        while v in self.alias:
            v = self.alias[v]
        return v

    def describe(self) -> str:
        """The plan as text (printed as a comment block at the top of the LLVM module)."""
        lines = [f"fusion plan: {len(self.nodes)} kernel(s)"]
        for k, n in enumerate(self.nodes):
            shape = "x".join(map(str, n.shape)) or "scalar"
            head = f"[{k}] loop<{shape}>" if n.kind == "loop" else f"[{k}] {n.ops[0].opdef}"
            lines.append(f"{head}: {len(n.ops)} op(s): {_clip(n.label())}")
            stored = [r.name for op in n.ops for r in op.results if r in self.materialise or
                      self.kind.get(r) == "buffer"]
            if n.kind == "loop" and stored:
                lines.append(f"    writes {_clip(', '.join(stored))}")
        folded = [v.name for v in self.view if v not in self.materialise]
        if folded:
            lines.append(f"folded views: {_clip(', '.join(folded))}")
        if self.alias:
            lines.append(f"aliases: {_clip(', '.join(v.name for v in self.alias))}")
        lines += self.notes
        return "\n".join(lines)


def _clip(s: str, n: int = 400) -> str:
    return s if len(s) <= n else s[:n] + f" ... (+{len(s) - n} chars)"


def is_splat(value: np.ndarray) -> bool:
    """All elements bit-identical (so -0.0 vs 0.0 and NaN payloads are told apart)."""
    flat = np.ascontiguousarray(value).reshape(-1)
    if flat.size == 0:
        return False
    bits = flat.view(np.dtype(f"u{flat.dtype.itemsize}"))
    return bool((bits == bits[0]).all())


def _identity_map(m: ViewMap, src: Value, dst: Value) -> bool:
    return (m.offset == 0 and src.type.size == dst.type.size and
            all(s == c for s, c, n in zip(m.strides, contiguous_strides(m.shape), m.shape, strict=True) if n != 1))


def _all_aliases(p: FusionPlan, spec: View, op: Op) -> bool:
    """Whether every result of a multi-result view is an identity view of a non-view source."""
    maps = spec.fn([v.type for v in op.operands], [r.type for r in op.results], op.attrs)
    return all(_identity_map(m, op.operands[m.operand], r) and p.kind.get(p.root(op.operands[m.operand])) != "view"
               for m, r in zip(maps, op.results, strict=True))


def reshape_map(m: ViewMap, shape: tuple[int, ...]) -> ViewMap | None:
    """`m` re-expressed over `shape` (same elements, row-major), or None if some dim of
    `shape` is not a single strided run of `m` (e.g. tile: a (multiple, extent) pair)."""
    dims = [(n, s) for n, s in zip(m.shape, m.strides, strict=True) if n != 1]
    strides: list[int] = []
    for n in shape:
        if n == 1:
            strides.append(0)
            continue
        if n == 0:
            return ViewMap(shape, (0,) * len(shape), m.offset, m.operand)
        size, st = 1, None
        while size < n and dims:
            dn, ds = dims.pop(0)
            if st is not None and st != ds * dn:
                return None
            size, st = size * dn, ds
        if size != n or st is None:
            return None
        strides.append(st)
    return ViewMap(shape, tuple(strides), m.offset, m.operand)


# Largest loop group: a longer body costs LLVM superlinear time (register allocation over one
# huge block whose values stay live across libm calls) for no runtime gain; past the cap the
# chain continues in a new group and the crossing values are materialised.
MAX_GROUP_OPS = int(os.environ.get("GRADC_MAX_GROUP_OPS", "64"))


def plan_fusion(fn: Function, fuse: bool = True) -> FusionPlan:
    """Group `fn`'s ops into nodes (see the module docstring for the rules)."""
    p = FusionPlan(order={id(op): k for k, op in enumerate(fn.ops)})
    for a in fn.args:
        p.kind[a] = "arg"
    buffer_uses: set[Value] = set(fn.outputs)  # values something reads as memory

    def add(node: Node) -> Node:
        node.pos = len(p.nodes)
        p.nodes.append(node)
        return node

    def pos_of(v: Value) -> int:
        n = p.node_of.get(v)
        return -1 if n is None else n.pos

    for op in fn.ops:
        spec = registry.get(op.opdef).lowering
        if isinstance(spec, NoCode):
            continue
        if isinstance(spec, ConstantData):
            p.kind[op.result] = "splat" if is_splat(op.attrs["value"]) else "const"
            continue
        if isinstance(spec, View) and len(op.results) == 1:
            m = spec.fn([v.type for v in op.operands], [r.type for r in op.results], op.attrs)[0]
            src = op.operands[m.operand]
            if _identity_map(m, src, op.result) and p.kind.get(p.root(src)) != "view":
                p.alias[op.result] = src
                p.kind[op.result] = "alias"
                buffer_uses.add(p.root(src))
                continue
            m = reshape_map(m, op.result.type.shape)
            if fuse and m is not None:
                p.kind[op.result] = "view"
                p.view[op.result] = m
                p.view_src[op.result] = src
                buffer_uses.add(p.root(src))
                p.node_of[op.result] = add(Node("op", [op]))  # emitted only if materialised
                continue
        if isinstance(spec, View) and len(op.results) > 1 and _all_aliases(p, spec, op):
            # Every result is its source's bytes (cond_inputs): no code, as single aliases.
            for m, r in zip(spec.fn([v.type for v in op.operands], [r.type for r in op.results], op.attrs),
                            op.results, strict=True):
                p.alias[r] = op.operands[m.operand]
                p.kind[r] = "alias"
                buffer_uses.add(p.root(op.operands[m.operand]))
            continue
        if fuse and isinstance(spec, Elementwise) or fuse and isinstance(spec, Reduce) and not (
                spec.mean and not op.operands[0].type.dtype.is_float):
            _place_fusible(p, op, spec, add, pos_of)
            continue
        for v in op.operands:
            buffer_uses.add(p.root(v))
        node = add(Node("op", [op]))
        for r in op.results:
            p.kind[r] = "buffer"
            p.node_of[r] = node
    # Row values read outside their loop (by another node, as a view source, or as an output)
    # are stored; so are folded views something needs as memory.
    for n in p.nodes:
        for op in n.ops:
            if n.kind == "op" and p.kind.get(op.results[0]) != "view":
                for v in op.operands:
                    buffer_uses.add(p.root(v))
            elif n.kind == "loop":
                for v in op.operands:
                    if p.kind.get(v) == "row" and p.node_of[v] is not n:
                        buffer_uses.add(v)
    for v in buffer_uses:
        v = p.root(v)
        if p.kind.get(v) in ("row", "view"):
            p.materialise.add(v)
    # Views materialised as buffers read their source as memory too (a view of a view).
    changed = True
    while changed:
        changed = False
        for v in list(p.materialise):
            if p.kind.get(v) == "view":
                s = p.root(p.view_src[v])
                if p.kind.get(s) in ("row", "view") and s not in p.materialise:
                    p.materialise.add(s)
                    changed = True
    p.nodes = [n for n in p.nodes if not n.dead and not (
        n.kind == "op" and p.kind.get(n.ops[0].results[0]) == "view" and n.ops[0].result not in p.materialise)]
    p.nodes = _views_after_sources(p)
    for k, n in enumerate(p.nodes):
        n.pos = k
    return p


def _views_after_sources(p: FusionPlan) -> list[Node]:
    """The nodes with each materialised view's copy moved up to right after its source's node.

    A loop placed while a view was still folded reads it; if the view is materialised later
    (an output, an op or a view of it needs memory), the loop reads the copy, which must then
    run first. A copy needs only its source, so running it as early as that is always legal;
    copies nothing reads too early stay where they are.
    """
    first_read: dict[Value, int] = {}
    for k, n in enumerate(p.nodes):
        for v in node_reads(p, n):
            first_read.setdefault(v, k)
    out: list[Node] = []
    for k, n in enumerate(p.nodes):
        r = n.ops[0].results[0]
        if n.kind == "op" and p.kind.get(r) == "view" and first_read.get(r, k) < k:
            src = p.node_of.get(p.root(p.view_src[r]))
            at = next((k + 1 for k in range(len(out) - 1, -1, -1) if out[k] is src), 0)
            out.insert(at, n)
        else:
            out.append(n)
    return out


def _place_fusible(p: FusionPlan, op: Op, spec: Elementwise | Reduce, add: Callable[[Node], Node],
                   pos_of: Callable[[Value], int]) -> None:
    """Put an elementwise op or a reduction into a loop group (joining or merging groups)."""
    shape = op.operands[0].type.shape if isinstance(spec, Reduce) else op.result.type.shape

    def row_of(v: Value, n: Node) -> bool:
        return p.kind.get(v) == "row" and p.node_of[v] is n

    def precede(vals: list[Value], n: Node) -> bool:
        return all(row_of(v, n) or pos_of(_src(p, v)) < n.pos for v in vals)

    cands = sorted({p.node_of[v] for v in op.operands if p.kind.get(v) == "row" and v.type.shape == shape},
                   key=lambda n: n.pos)
    target: Node | None = None
    if cands:
        target = cands[-1] if precede(op.operands, cands[-1]) and len(cands[-1].ops) < MAX_GROUP_OPS else None
        for c in reversed(cands[:-1]):  # move the later group up into an earlier one when legal
            if target is not None and len(c.ops) + len(target.ops) < MAX_GROUP_OPS and precede(target.ext, c):
                _merge(p, c, target)
                target = c
    else:  # horizontal: share the loop of a recent sibling group over the same shape
        for n in reversed(p.nodes[-8:]):
            if (n.kind == "loop" and not n.dead and n.shape == shape and len(n.ops) < MAX_GROUP_OPS
                    and precede(op.operands, n)):
                target = n
                break
    if target is None:
        target = add(Node("loop", [], shape))
    target.ops.append(op)
    target.ext.extend(v for v in op.operands if not row_of(v, target))
    p.kind[op.result] = "row" if isinstance(spec, Elementwise) else "buffer"
    p.node_of[op.result] = target


def _src(p: FusionPlan, v: Value) -> Value:
    """The value whose producer must run first: a folded view's source, an alias's root.

    One level only, as `leaf_root` folds: a loop reads a view of a view through the inner view,
    which is materialised by its own node, so that node (not the ultimate source) must precede.
    """
    v = p.root(v)
    if p.kind.get(v) == "view":
        v = p.root(p.view_src[v])
    return v


def _merge(p: FusionPlan, into: Node, src: Node) -> None:
    into.ops.extend(src.ops)
    into.ops.sort(key=lambda o: p.order[id(o)])
    into.ext = [v for v in into.ext + src.ext if not (p.kind.get(v) == "row" and p.node_of[v] in (into, src))]
    for op in src.ops:
        for r in op.results:
            p.node_of[r] = into
    src.ops = []
    src.dead = True


def leaf_root(p: FusionPlan, v: Value) -> Value:
    """The buffer a loop reads for operand `v` (through aliases and one folded view)."""
    r = p.root(v)
    if p.kind.get(r) == "view" and r not in p.materialise:
        return p.root(p.view_src[r])
    return r


def node_reads(p: FusionPlan, n: Node) -> list[Value]:
    """Root values node `n` reads as memory (deduplicated, in first-use order)."""
    out: dict[Value, None] = {}
    for op in n.ops:
        if n.kind == "op" and p.kind.get(op.results[0]) == "view":
            out[p.root(p.view_src[op.result])] = None
            continue
        for v in op.operands:
            if n.kind == "loop" and p.kind.get(v) == "row" and p.node_of[v] is n:
                continue
            r = leaf_root(p, v) if n.kind == "loop" else p.root(v)
            if not (n.kind == "loop" and p.kind.get(r) == "splat"):
                out[r] = None
    return list(out)


def node_writes(p: FusionPlan, n: Node) -> list[Value]:
    """Values node `n` stores: materialised rows, reduction results, op results."""
    if n.kind == "op":
        return [r for op in n.ops for r in op.results]
    return [op.result for op in n.ops if p.kind[op.result] == "buffer" or op.result in p.materialise]
