"""Buffer planning: where every value that needs memory lives, with workspace reuse.

Arguments are read in place (`inputs[i]`), constants are globals, the first occurrence of each
computed output is written straight into `outputs[j]`, and every other buffer gets a 64-byte
aligned slot in one workspace arena planned at compile time. Slots are reused by liveness:
a value is live from the node that writes it through the last node that reads it (inclusive,
so a kernel's outputs never overlap its inputs and `noalias` stays true); outputs filled by
copying at the end keep their source live to the end. Assignment is first-fit by offset over
the values live at the same time, in definition order.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from gradc.compiler.ir.core import Function, Value

from .blocked import Run
from .fusion import FusionPlan, node_reads, node_writes

ALIGN = 64


@dataclass(frozen=True)
class Slot:
    """Where a value lives: kind is input / output / workspace / constant; index is the input
    or output position, the workspace byte offset, or the constant's number."""

    kind: str
    index: int
    nbytes: int


@dataclass
class BufferPlan:
    slots: dict[Value, Slot] = field(default_factory=dict)
    workspace_size: int = 0
    workspace_no_reuse: int = 0  # what the arena would be with one slot per value
    # (output position, source value): outputs filled by copying after all nodes ran.
    copies: list[tuple[int, Value]] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"workspace {self.workspace_size} bytes ({self.workspace_no_reuse} without reuse)"]
        lines += [f"  {v.name}: {s.kind}[{s.index}] {s.nbytes}B" for v, s in self.slots.items()]
        lines += [f"  output {j} <- copy of {v.name}" for j, v in self.copies]
        return "\n".join(lines)


def nbytes(v: Value) -> int:
    return v.type.size * v.type.dtype.np.itemsize


def _aligned(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def plan_memory(fn: Function, p: FusionPlan, reuse: bool = True, runs: Sequence[Run] = ()) -> BufferPlan:
    """Slots for arguments, constants, outputs and workspace buffers of plan `p`'s nodes.

    Blocked runs (blocked.py) and row-blocked chains (rowblocks.py): a scratch value takes one
    block (live over the nodes that use it, within every block); any other buffer a run
    touches stays live over the whole run.
    """
    plan = BufferPlan()
    for i, a in enumerate(fn.args):
        plan.slots[a] = Slot("input", i, nbytes(a))
    n_const = 0
    for op in fn.ops:
        for r in op.results:
            if p.kind.get(r) in ("const", "splat"):
                plan.slots[r] = Slot("constant", n_const, nbytes(r))
                n_const += 1
    first_out: dict[Value, int] = {}
    for j, v in enumerate(fn.outputs):
        r = p.root(v)
        if v is not r or p.kind.get(r) in ("arg", "const", "splat") or r in first_out:
            plan.copies.append((j, r))
        else:
            first_out[r] = j
    defined: dict[Value, int] = {}
    last: dict[Value, int] = {}
    for k, n in enumerate(p.nodes):
        for r in node_reads(p, n):
            last[r] = k
        for w in node_writes(p, n):
            defined.setdefault(w, k)
    end = len(p.nodes)
    for _, v in plan.copies:
        last[v] = end
    size = {v: nbytes(v) for v in defined}
    for run in runs:
        for k in range(run.lo, run.hi):
            for r in node_reads(p, p.nodes[k]):
                if r not in run.scratch:
                    last[r] = max(last.get(r, k), run.hi - 1)
            for w in node_writes(p, p.nodes[k]):
                if w in run.scratch:
                    size[w] = run.scratch_bytes(w)
                else:
                    defined[w] = min(defined[w], run.lo)
    order = sorted(defined.items(), key=lambda e: e[1])
    live: list[tuple[int, int, int]] = []  # (offset, size, last use), sorted by offset
    holes: list[list[int]] = []  # [offset, size] gaps between the live slots, by offset
    top = 0  # end of the highest live slot
    at = -1
    for v, k in order:
        if v in first_out:
            plan.slots[v] = Slot("output", first_out[v], nbytes(v))
            continue
        nb = size[v]
        size_ = _aligned(nb)
        plan.workspace_no_reuse += size_
        if reuse and k != at:  # free what died before node k, once per node (linear overall)
            at = k
            live = [e for e in live if e[2] >= k]
            holes, top = _gaps(live)
        off = top
        for h in holes:  # first fit by offset
            if h[1] >= size_:
                off = h[0]
                h[0] += size_
                h[1] -= size_
                break
        else:
            top += size_
        bisect.insort(live, (off, size_, last.get(v, k)))
        plan.slots[v] = Slot("workspace", off, nb)
        plan.workspace_size = max(plan.workspace_size, off + size_)
    for v in p.alias:
        plan.slots.setdefault(v, plan.slots.get(p.root(v), Slot("alias", 0, nbytes(v))))
    return plan


def _gaps(live: list[tuple[int, int, int]]) -> tuple[list[list[int]], int]:
    """The free gaps between slots sorted by offset, and the end of the last one."""
    holes, end = [], 0
    for o, s, _ in live:
        if o > end:
            holes.append([end, o - end])
        end = max(end, o + s)
    return holes, end
