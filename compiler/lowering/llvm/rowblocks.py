"""Row-blocked matrix-vector chains: one pass over a tall matrix for a forward and a backward product.

Logistic or linear regression over a tall A (n x k, n large, k small) plans as

    [0] matmul    z = A @ w                  (gemv: streams A from DRAM)
    [1] loop      r = f(z, y, ...), loss = mean(g(z, y, ...))
    [2] matmul    dw = A^T @ r               (gemv^T: streams A from DRAM again)

A *chain* is a contiguous run of plan nodes that all work row by row over the same n rows:

- a row-wise matmul `z = X @ W` (no transpose on X): X has n rows, W is read whole and was
  produced before the chain; rows of z are rows of X;
- a loop group over a multiple of n elements whose operands are contiguous over its elements
  or single elements (blocked.blockable); its flat elements split into n equal row slices;
- a contraction `C = P^T @ Q` (transpose_a, not transpose_b): P and Q both have n rows, so C is
  a sum over rows of per-row outer products and can accumulate block by block.

A chain executes as

    for row0 in range(0, n, R):                     # R rows per block (the tail block is short)
        for node in chain: node(rows row0 .. row0+R)   # beta = 0 for row0 == 0, else 1

so the block of X the forward gemv pulls from DRAM is still in L2 when the fused loop and the
backward gemv^T read it: X streams from memory once. R is ROW_BLOCK_BYTES divided by the widest
row of a row-sliced matmul operand, a multiple of 16 rows (128 KB: 512 rows of 64 float32;
the block and its scratch stay well inside a 512 KB L2). A chain has at least one matmul and
two nodes, and only nodes that gain: its first node feeds a later one and every node up to
its last reads a value an earlier one wrote or row-slices the matrix an earlier matmul did
(so a contraction next to an unrelated loop, as in an MLP's backward pass, stays unblocked).
Values written and read only inside the chain (z, r) are scratch of R rows (blocked.py's rule).

Rules that keep it correct: a contraction's result (complete only after the last block) and the
reductions of the chain's loop groups are *pending*: no later chain node may read them, so the
chain ends before such a node. Reductions are split out of the chain's loop groups into one
loop node per group placed right after the chain (groups of reductions only, e.g. sum(z), move
there whole), reading their operands as full buffers (exactly as in blocked runs), so their
summation order is the unblocked one. The only summation order that
changes is the contraction's: BLAS sums each block's rows, then the blocks are added in order
(C = C + P_blk^T @ Q_blk); values stay within float32 rounding of the unblocked product.
Requirements (else the plan is left alone): ROW_BLOCK_BYTES holds 16 rows of every row-sliced
operand; W and C take at most ROW_BLOCK_BYTES, z has at most MAX_VECTOR_COLS columns and C at
most that many on its narrow side; BLAS is available (JIT lowering); GRADC_ROW_BLOCK_BYTES != 0.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from llvmlite import ir

from gradc.compiler.ir.core import Function, Op, Value
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import Reduce

from .blas import emit_product, usable
from .blocked import Run, blockable, find_scratch, plan_blocks, split_reductions
from .common import F32, F64, Ctx, i64, mem_type
from .fusion import FusionPlan, Node, leaf_root
from .loops import loop

ROW_BLOCK_BYTES = int(os.environ.get("GRADC_ROW_BLOCK_BYTES", str(128 * 1024)))
MAX_VECTOR_COLS = 16  # "vector-like": z (n x m) and C (k x m) with m at most this


@dataclass(eq=False)
class Chain(Run):
    """Nodes lo..hi-1 executed block by block over `size` rows, `rows` rows per block."""

    rows: int = 0
    nodes: list[Node] = field(default_factory=list)
    after: list[Node] = field(default_factory=list)  # the split-out reductions, right after it
    accumulated: set[Value] = field(default_factory=set)  # contraction results (C)
    window = 0  # the last row block may be a single row: plain length loops

    def scratch_bytes(self, v: Value) -> int:
        return self.rows * (v.type.size // self.size) * v.type.dtype.np.itemsize

    def describe(self) -> str:
        kinds = " -> ".join("loop" if n.kind == "loop" else ("matmul^T" if _contraction(n.ops[0]) else "matmul")
                            for n in self.nodes)
        scratch = ", ".join(sorted(v.name for v in self.scratch)) or "none"
        return (f"row-blocked chain [{self.lo}..{self.hi - 1}]: {self.size} rows in blocks of {self.rows}"
                f" ({kinds}); scratch: {scratch}")

    def emit(self, b: ir.IRBuilder, kernels: list[tuple[ir.Function, list[Value], list[Value]]],
             slot_ptr: Callable[[Value], ir.Value]) -> None:
        """The block loop: each node on rows row0 .. row0+len (contractions accumulate)."""
        ctx = Ctx(b.module)  # emit_product only declares the BLAS functions in the module
        it = iter(kernels)
        steps = [(n, next(it) if n.kind == "loop" else None) for n in self.nodes]
        base = {v: slot_ptr(v) for n, k in steps for v in (k[1] + k[2] if k else _op_values(n.ops[0]))}

        def at(v: Value, row0: ir.Value) -> ir.Value:
            """Pointer to row `row0` of row-aligned `v` (scratch and single elements: the buffer)."""
            if v in self.scratch or v.type.size <= 1:
                return base[v]
            per_row = v.type.size // self.size
            return b.gep(base[v], [b.mul(row0, i64(per_row), flags=("nuw", "nsw"))], inbounds=True,
                         source_etype=mem_type(v.type.dtype))

        def block(row0: ir.Value, rows: int, first: ir.Value) -> None:
            for n, k in steps:
                if k is not None:
                    kfn, w, r = k
                    size = 1
                    for d in n.shape:
                        size *= d
                    b.call(kfn, [*(at(v, row0) for v in w + r), i64(rows * (size // self.size))])
                    continue
                op = n.ops[0]
                fty = F32 if op.result.type.dtype.np.itemsize == 4 else F64
                x, y = op.operands
                if _contraction(op):  # C (+)= X_blk^T @ Y_blk
                    beta = b.select(first, ir.Constant(fty, 0.0), ir.Constant(fty, 1.0))
                    mnk = (x.type.shape[1], y.type.shape[1], rows)
                    emit_product(ctx, b, op.result.type.dtype, True, False, mnk, at(x, row0), at(y, row0),
                                 base[op.result], beta)
                else:  # Z_blk = X_blk @ op(W)
                    tb = bool(op.attrs.get("transpose_b", False))
                    mnk = (rows, op.result.type.shape[1], x.type.shape[1])
                    emit_product(ctx, b, op.result.type.dtype, False, tb, mnk, at(x, row0), base[y],
                                 at(op.result, row0))

        nblocks, tail = divmod(self.size, self.rows)
        with loop(b, nblocks, "rowblk") as k:
            block(b.mul(k, i64(self.rows), flags=("nuw", "nsw")), self.rows, b.icmp_signed("==", k, i64(0)))
        if tail:
            block(i64(nblocks * self.rows), tail, ir.Constant(ir.IntType(1), int(nblocks == 0)))


def _op_values(op: Op) -> list[Value]:
    return [*op.results, *op.operands]


def _contraction(op: Op) -> bool:
    return bool(op.attrs.get("transpose_a", False)) and not op.attrs.get("transpose_b", False)


def _itemsize(v: Value) -> int:
    return v.type.dtype.np.itemsize


def _matmul_rows(op: Op) -> tuple[int, int] | None:
    """(rows n, widest row bytes of a row-sliced operand) if `op` fits a chain, else None."""
    if op.opdef != "matmul" or not usable(op) or any(v.type.rank != 2 for v in op.operands):
        return None
    x, y = op.operands
    c = op.result.type
    if _contraction(op):  # C = X^T @ Y, both with n rows
        if x.type.shape[0] != y.type.shape[0] or min(c.shape) > MAX_VECTOR_COLS:
            return None
        whole, row_bytes = c.size * _itemsize(op.result), max(x.type.shape[1], y.type.shape[1]) * _itemsize(x)
    elif op.attrs.get("transpose_a", False):
        return None
    else:  # Z = X @ op(W)
        if c.shape[1] > MAX_VECTOR_COLS:
            return None
        whole, row_bytes = y.type.size * _itemsize(y), x.type.shape[1] * _itemsize(x)
    if whole > ROW_BLOCK_BYTES or 16 * row_bytes > ROW_BLOCK_BYTES:
        return None
    return x.type.shape[0], row_bytes


def _reduces(op: Op) -> bool:
    return isinstance(registry.get(op.opdef).lowering, Reduce)


def _grow(p: FusionPlan, start: int, n: int) -> tuple[list[Node], list[Node], int, int]:
    """The longest chain over `n` rows starting at node `start`: its nodes, the groups of
    reductions only met on the way (deferred after the chain), how many plan nodes that
    covers, and the widest row of a row-sliced matmul operand."""
    chain: list[Node] = []
    deferred: list[Node] = []
    inside: set[Value] = set()  # row-aligned values written by the chain so far
    pending: set[Value] = set()  # reductions and contraction results: complete only after it
    widest = 0
    for node in p.nodes[start:]:
        reads = [p.root(v) for op in node.ops for v in op.operands]
        if node.kind == "loop":
            if any(leaf_root(p, v) in pending for op in node.ops for v in op.operands):
                break
            if all(_reduces(op) for op in node.ops):  # e.g. sum(z): runs after the chain
                if not chain:
                    break
                pending.update(op.result for op in node.ops)
                deferred.append(node)
                continue
            size = 1
            for d in node.shape:
                size *= d
            if not blockable(p, node, 1) or size % n:
                break
            for op in node.ops:
                (pending if _reduces(op) else inside).add(op.result)
            chain.append(node)
            continue
        fit = _matmul_rows(node.ops[0])
        if fit is None or fit[0] != n or any(r in pending for r in reads):
            break
        op = node.ops[0]
        if not _contraction(op) and reads[1] in inside:
            break  # W computed row by row (it must be whole)
        (pending if _contraction(op) else inside).add(op.result)
        widest = max(widest, fit[1])
        chain.append(node)
    chain = _useful(p, chain)
    if not any(c.kind == "op" for c in chain):
        return [], [], 0, 0  # loops alone are blocked.py's business
    end = chain[-1].pos + 1
    deferred = [d for d in deferred if d.pos < end]  # later ones stay where they are
    return chain, deferred, end - start, widest


def _useful(p: FusionPlan, chain: list[Node]) -> list[Node]:
    """`chain` cut to the nodes that gain from blocking: each later node reads a value an
    earlier one wrote (it stays in cache) or row-slices the same matrix as an earlier matmul
    (one pass over it). Empty if the first node feeds nothing later (a chain may start after it)."""
    def writes(n: Node) -> set[Value]:
        return {op.result for op in n.ops}

    def reads(n: Node) -> set[Value]:
        return {f(p, v) for op in n.ops for v in op.operands for f in (FusionPlan.root, leaf_root)}

    def sliced(n: Node) -> set[Value]:
        if n.kind == "loop":
            return set()
        op = n.ops[0]
        return {p.root(v) for v in (op.operands if _contraction(op) else op.operands[:1])}

    def linked(j: int) -> bool:
        return any(writes(chain[i]) & reads(chain[j]) or sliced(chain[i]) & sliced(chain[j]) for i in range(j))

    if not any(writes(chain[0]) & reads(c) or sliced(chain[0]) & sliced(c) for c in chain[1:]):
        return []
    cut = list(chain)
    while len(cut) > 1 and not linked(len(cut) - 1):
        cut.pop()
    return cut if len(cut) > 1 else []


def plan_chains(p: FusionPlan) -> list[Chain]:
    """Find chains in `p.nodes`, move their reductions after them (reorders `p.nodes`)."""
    out: list[Node] = []
    chains: list[Chain] = []
    k = 0
    while k < len(p.nodes):
        n = _chain_rows(p, k)
        chain, deferred, covered, widest = _grow(p, k, n) if n else ([], [], 0, 0)
        if len(chain) < 2:
            out.append(p.nodes[k])
            k += 1
            continue
        k += covered
        rows = max(16, ROW_BLOCK_BYTES // widest // 16 * 16)
        # One reduction node per loop group (as blocked.py): each keeps its group's loop shape,
        # so its summation order is the unblocked one.
        after = [r for r in (split_reductions(p, c) for c in chain if c.kind == "loop") if r is not None]
        ch = Chain(0, 0, n, rows=min(rows, n), nodes=chain, after=deferred + after)
        ch.accumulated = {op.result for c in chain if c.kind == "op" for op in c.ops if _contraction(op)}
        chains.append(ch)
        out.extend(chain)
        out.extend(ch.after)
    p.nodes = out
    for j, node in enumerate(out):
        node.pos = j
    return chains


def _chain_rows(p: FusionPlan, k: int) -> int:
    """The row count a chain starting at node k would have: its first matmul's (0: none)."""
    for node in p.nodes[k:]:
        if node.kind == "op":
            fit = _matmul_rows(node.ops[0])
            return fit[0] if fit else 0
    return 0


def plan_runs(fn: Function, p: FusionPlan, blas: bool = True) -> list[Run]:
    """Row-blocked chains (when BLAS is used), then blocked runs of the remaining loop groups."""
    chains = plan_chains(p) if blas and ROW_BLOCK_BYTES > 0 else []
    members = frozenset(n for c in chains for n in [*c.nodes, *c.after])
    runs = plan_blocks(fn, p, exclude=members)
    for c in chains:
        c.lo = c.nodes[0].pos
        c.hi = c.lo + len(c.nodes)
    find_scratch(fn, p, list(chains))
    for c in chains:
        c.scratch -= c.accumulated
        p.notes.append(c.describe())
    return sorted([*runs, *chains], key=lambda r: r.lo)


__all__ = ["Chain", "plan_chains", "plan_runs"]
