"""Blocked execution of runs of fused loops: one pass over the elements, in cache-sized blocks.

A long elementwise program (W5: 200-1000 steps of x + 0.01*tanh(x) and their gradients) is
planned as many loop groups (fusion.py caps a group at MAX_GROUP_OPS); the values crossing
groups are materialised, so every group streams ~20 full-size arrays and the backward pass
re-reads hundreds of them from L2/L3. A *run* is a maximal sequence of consecutive loop groups
over the same number of elements N whose every operand is either contiguous over the N
elements or a single element. A run executes as

    for base in range(0, N, B):                    # blocks of B elements
        for group in run: group(ptrs + base, min(B, N - base))

so each group's kernel takes a dynamic length and pointers already offset to the block. A
value written and read only inside the run (not an output, not read by any other node) is
*scratch*: it gets B elements of workspace instead of N, stays L1/L2 resident, and is
reused across blocks. Reductions in a run's groups are split into a reduction-only loop node
placed after the run (reading their operand as a full buffer), so their summation order is
exactly the unblocked one (lanes.py); a group reading such a result ends the run first.
Runs of one group are left as they were. Results are bit-identical to the unblocked plan:
every elementwise value is computed by the same scalar code on the same inputs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from llvmlite import ir

from gradc.compiler.ir.core import Function, Value
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import Reduce

from .common import i64, mem_type
from .fusion import FusionPlan, Node, leaf_root, node_reads, node_writes
from .loops import loop

BLOCK = int(os.environ.get("GRADC_BLOCK", "256"))  # elements per block (a multiple of 16)
MIN_ELEMENTS = 2 * BLOCK  # smaller runs are not blocked
# Kernels of a run loop in windows of this many elements (fused.emit_loop `window`): 16 lanes
# x the 4-way interleave. A last block shorter than a window joins the one before it.
WINDOW = 64


@dataclass(eq=False)
class Run:
    """Nodes lo..hi-1 of the plan executed block by block over `size` elements."""

    lo: int
    hi: int
    size: int
    scratch: set[Value] = field(default_factory=set)

    window = WINDOW  # every block holds at least this many elements (rowblocks.Chain: 0)

    def scratch_bytes(self, v: Value) -> int:
        """Workspace bytes of scratch value `v`: one block of it (the last may be longer)."""
        return (BLOCK + WINDOW) * v.type.dtype.np.itemsize

    def emit(self, b: ir.IRBuilder, kernels: list[tuple[ir.Function, list[Value], list[Value]]],
             slot_ptr: Callable[[Value], ir.Value]) -> None:
        """The block loop calling each group's kernel (emitted with blocked=True) on one block."""
        base_ptrs = [[slot_ptr(v) for v in w + r] for _, w, r in kernels]
        nblocks, tail = divmod(self.size, BLOCK)

        def calls(base: ir.Value, length: ir.Value) -> None:
            for (kfn, w, r), ptrs in zip(kernels, base_ptrs, strict=True):
                args = []
                for v, q in zip(w + r, ptrs, strict=True):
                    if v not in self.scratch and v.type.size > 1:
                        q = b.gep(q, [base], inbounds=True, source_etype=mem_type(v.type.dtype))
                    args.append(q)
                b.call(kfn, [*args, length])

        # One loop, the last block's length computed: a separate tail call sequence would
        # double the entry's code (W5 n1000: ~95 calls of ~25 arguments each). A tail shorter
        # than a window is folded into the last full block (len >= WINDOW for the kernels).
        with loop(b, nblocks + (tail >= WINDOW), "blk") as k:
            base = b.mul(k, i64(BLOCK), flags=("nuw", "nsw"))
            left = b.sub(i64(self.size), base, flags=("nuw", "nsw"))
            calls(base, b.select(b.icmp_unsigned("<", left, i64(BLOCK + WINDOW)), left, i64(BLOCK)))


def _size(n: Node) -> int:
    s = 1
    for d in n.shape:
        s *= d
    return s


def blockable(p: FusionPlan, n: Node, min_elements: int = MIN_ELEMENTS) -> bool:
    """A live loop group of at least `min_elements` whose operands are contiguous over its
    elements or single elements (so one flat loop over a block of them is its body)."""
    if n.kind != "loop" or n.dead or _size(n) < min_elements:
        return False
    size = _size(n)
    mine = {op.result for op in n.ops}
    for op in n.ops:
        if isinstance(registry.get(op.opdef).lowering, Reduce):
            continue
        if op.result.type.size != size:
            return False
        for v in op.operands:
            if v in mine:
                continue
            r = p.root(v)
            if p.kind.get(r) == "view" and r not in p.materialise:
                return False  # a folded view: strided loads
            if v.type.size not in (1, size):
                return False
    return True


def split_reductions(p: FusionPlan, n: Node) -> Node | None:
    """Move `n`'s reductions into a new loop node (returned); their operands become buffers."""
    red = [op for op in n.ops if isinstance(registry.get(op.opdef).lowering, Reduce)]
    if not red:
        return None
    n.ops = [op for op in n.ops if op not in red]
    r = Node("loop", red, n.shape)
    for op in red:
        x = op.operands[0]
        if p.kind.get(x) == "row":
            p.materialise.add(x)
        r.ext.append(x)
        p.node_of[op.result] = r
    return r


def plan_blocks(fn: Function, p: FusionPlan, exclude: frozenset[Node] = frozenset()) -> list[Run]:
    """Group `p.nodes` into runs (reordering split-out reductions after them); returns the runs.

    Nodes in `exclude` (members of row-blocked chains, rowblocks.py) never join a run."""
    if BLOCK <= 0:
        return []
    out: list[Node] = []
    runs: list[Run] = []
    cur: list[Node] = []

    def close() -> None:
        if len(cur) >= 2:
            lo = len(out)
            reds = [r for r in (split_reductions(p, n) for n in cur) if r is not None]
            out.extend(cur)
            runs.append(Run(lo, len(out), _size(cur[0])))
            out.extend(reds)
        else:
            out.extend(cur)
        cur.clear()

    pending: set[Value] = set()  # reduction results of the current run
    for n in p.nodes:
        if n in exclude:
            close()
            out.append(n)
            continue
        if blockable(p, n) and cur and _size(n) == _size(cur[0]) and not any(
                leaf_root(p, v) in pending for op in n.ops for v in op.operands):
            cur.append(n)
        else:
            close()
            pending.clear()
            if blockable(p, n):
                cur.append(n)
            else:
                out.append(n)
                continue
        pending.update(op.result for op in n.ops if isinstance(registry.get(op.opdef).lowering, Reduce))
    close()
    p.nodes = out
    for k, n in enumerate(out):
        n.pos = k
    find_scratch(fn, p, runs)
    return runs


def find_scratch(fn: Function, p: FusionPlan, runs: list[Run]) -> None:
    """Fill each run's scratch set: values it writes that only its own nodes read (not outputs)."""
    if not runs:
        return
    readers: dict[Value, list[int]] = {}
    for k, n in enumerate(p.nodes):
        for v in node_reads(p, n):
            readers.setdefault(v, []).append(k)
    keep = {p.root(v) for v in fn.outputs}
    for run in runs:
        for k in range(run.lo, run.hi):
            for w in node_writes(p, p.nodes[k]):
                if w not in keep and all(run.lo <= j < run.hi for j in readers.get(w, [])):
                    run.scratch.add(w)

