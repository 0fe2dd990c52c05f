"""Emits one fused loop group (see fusion.py) as one internal kernel: a single loop nest.

Every value of the group lives in registers for one iteration; loads come straight from the
root buffers (broadcast and folded-view strides composed over the iteration shape), splat
constants are immediates, and only materialised values and reduction results are stored.

Reductions: after coalescing, a reduction whose reduced dimensions form a suffix of the nest
keeps its accumulator in registers (initialised before the first reduced loop, stored after
it); when the innermost run is at least lanes.LANE_MIN long it is split into K lanes summed
as a tree (lanes.py states the order), so the loop vectorises without fast-math and sums as
accurately as NumPy's pairwise sum. Any other reduction accumulates into its output in memory
order (initialised before the nest, scaled for mean after it), which vectorises across the
kept inner dimensions; short runs keep one sequential accumulator, as the unfused kernels do.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable

import numpy as np
from llvmlite import ir

from gradc.compiler.ir.core import Op, Value
from gradc.compiler.ops import registry
from gradc.compiler.ops.common import broadcast_strides, contiguous_strides
from gradc.compiler.ops.registry import Elementwise, Reduce
from gradc.compiler.passes.cse import freeze

from .common import I64, PTR, VOID, Ctx, i64, load, reg_type, store
from .fusion import FusionPlan, Node, leaf_root, node_reads, node_writes
from .kernels import _combine, _entry_alloca, _identity
from .lanes import LANE_MIN, LANES, block_end, fill, flush, lane_array, lane_ptr, pairwise, tree_levels
from .loops import coalesce, loop, offset
from .scalar import EMITTERS

# Blocked kernels (blocked.py) run long dependence chains (W5: x -> tanh -> x ...): several
# independent vectors per trip let the core overlap their latencies.
INTERLEAVE = int(os.environ.get("GRADC_INTERLEAVE", "4"))


def _leaf_strides(p: FusionPlan, v: Value, shape: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    """(offset, strides over `shape`) reading operand `v` from its root buffer."""
    r = p.root(v)
    if p.kind.get(r) != "view" or r in p.materialise:
        return 0, broadcast_strides(v.type.shape, shape)
    m = p.view[r]
    lead = len(shape) - len(m.shape)
    st = [0] * len(shape)
    for k, (n, s) in enumerate(zip(m.shape, m.strides, strict=True)):
        if n != 1:
            st[lead + k] = s
    return m.offset, tuple(st)


def _splat(p: FusionPlan, v: Value) -> np.ndarray | None:
    r = leaf_root(p, v)
    if p.kind.get(r) != "splat":
        return None
    assert r.op is not None
    return np.asarray(r.op.attrs["value"]).reshape(-1)[0]


def loop_key(p: FusionPlan, n: Node, blocked: bool = False, window: int = 0) -> Hashable:
    """Equal for two loop groups exactly when emit_loop would give them the same kernel: the
    ops, attributes and types, how each operand is reached (a row of this group, a splat
    immediate, or a parameter with its strides and offset) and which parameter each store
    targets. It must cover everything emit_loop reads; lowering emits one kernel per key."""
    params = {v: k for k, v in enumerate(node_writes(p, n) + node_reads(p, n))}
    mine = {op.result: k for k, op in enumerate(n.ops) if p.kind[op.result] == "row"}

    def ref(v: Value) -> Hashable:
        if v in mine:
            return "row", mine[v]
        s = _splat(p, v)
        if s is not None:
            return "splat", v.type, freeze(s)
        return "param", params[leaf_root(p, v)], v.type, _leaf_strides(p, v, n.shape)

    ops = tuple((op.opdef, freeze(op.attrs), op.result.type, p.kind[op.result], op.result in p.materialise,
                 params.get(op.result), tuple(ref(v) for v in op.operands)) for op in n.ops)
    return n.shape, blocked, window, len(params), ops


def nest(p: FusionPlan, n: Node) -> tuple[tuple[int, ...], list[tuple[int, ...]], list[Value], list[Op]]:
    """Group `n`'s coalesced iteration shape and stride sets (one per leaf, the row strides,
    one per reduction output, in that order), its leaves and its reductions."""
    shape = n.shape
    mine = {op.result for op in n.ops if p.kind[op.result] == "row"}
    leaves = list(dict.fromkeys(v for op in n.ops for v in op.operands if v not in mine and _splat(p, v) is None))
    reduces = [op for op in n.ops if isinstance(registry.get(op.opdef).lowering, Reduce)]
    sets = [_leaf_strides(p, v, shape)[1] for v in leaves] + [contiguous_strides(shape)]
    sets += [_reduce_out_strides(op) for op in reduces]
    cshape, cst = coalesce(shape, sets)
    return cshape, cst, leaves, reduces


def emit_loop(ctx: Ctx, p: FusionPlan, n: Node, name: str, blocked: bool = False,
              chunked: bool = False, window: int = 0) -> tuple[ir.Function, list[Value], list[Value]]:
    """The kernel `void(ptr writes..., ptr reads...)` for loop group `n`, and those value lists.

    blocked (a group of a blocked run, blocked.py; no reductions): the kernel takes a last
    `i64 len` argument and runs one flat loop over `len` elements of block-offset pointers.
    window (with blocked; the caller guarantees len >= window): the flat loop runs as windows of
    `window` elements, the last one shifted back to end at len, so every trip is a whole
    interleaved vector iteration (no vector epilogue or scalar remainder: less code, and the
    block's tail keeps the latency-hiding interleave). Elements the last window shares with
    the one before are computed twice, to the same bits: a blocked kernel has no reductions
    and never writes what it reads (noalias), so recomputing an element rewrites its value.
    chunked (parallel.py): the kernel takes last `i64 lo, i64 hi` arguments and runs only
    that range of the outermost coalesced dimension. A reduction keeping that dimension
    writes (initialises, scales) only its chunk's outputs; one reducing over it writes its
    whole output *unscaled* (a partial: the caller combines the chunks' partials in order).
    """
    writes, reads = node_writes(p, n), node_reads(p, n)
    params = [PTR] * (len(writes) + len(reads)) + ([I64] if blocked else []) + ([I64, I64] if chunked else [])
    fn = ir.Function(ctx.module, ir.FunctionType(VOID, params), name)
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    for a in fn.args[: len(writes) + len(reads)]:
        a.add_attribute("noalias")  # the memory plan never overlaps a kernel's outputs with its inputs
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    ptr = dict(zip(writes + reads, fn.args[: len(writes) + len(reads)], strict=True))
    shape = n.shape
    cshape, cst, leaves, reduces = nest(p, n)
    leaf_st = dict(zip(leaves, cst[: len(leaves)], strict=True))
    leaf_off = {v: _leaf_strides(p, v, shape)[0] for v in leaves}
    row_st = cst[len(leaves)]
    out_st = dict(zip(reduces, cst[len(leaves) + 1:], strict=True))
    if blocked:  # every operand contiguous or one element (blocked._blockable)
        cshape, row_st = (1 << 62,), (1,)
        leaf_st = {v: (1 if v.type.size > 1 else 0,) for v in leaves}
    rank = len(cshape)
    empty = any(d == 0 for d in cshape)
    # Level at which each reduction's register accumulator starts (None: accumulate in memory).
    start: dict[Op, int | None] = {}
    for op in reduces:
        red = [d for d in range(rank) if out_st[op][d] == 0]
        d0 = red[0] if red else rank
        start[op] = None if empty or red != list(range(d0, rank)) else d0
    acc_slot = {op: _entry_alloca(b, reg_type(op.result.type.dtype)) for op in reduces if start[op] is not None}
    # Chunked: partials (reductions over the split dimension) and this chunk's output range.
    lo_hi = (fn.args[-2], fn.args[-1]) if chunked else None
    partial = {op for op in reduces if chunked and out_st[op][0] == 0}
    region = {op: None if lo_hi is None or op in partial else (*lo_hi, out_st[op][0]) for op in reduces}
    for op in reduces:
        if start[op] is None:
            _memory_init(ctx, b, op, ptr[op.result], region[op])
    # Register reductions over the innermost dimension use K lanes (lanes.py): the inner lane
    # loop carries no dependence, so LLVM vectorises the whole fused body without reassociating.
    lane_ops = [op for op in reduces if start[op] is not None and start[op] < rank] \
        if rank and cshape[-1] >= LANE_MIN else []
    depth = tree_levels(cshape[-1] // LANES) if lane_ops else 0
    lanes = {op: [lane_array(b, reg_type(op.result.type.dtype)) for _ in range(depth)] for op in lane_ops}
    lane: list[ir.Value] = []  # the current lane index while emitting a lane-split body

    def comb(op: Op) -> Callable[[ir.Value, ir.Value], ir.Value]:
        spec = registry.get(op.opdef).lowering
        assert isinstance(spec, Reduce)
        return lambda a, x: _combine(ctx, b, spec.combine, a, x)

    def ident(op: Op) -> ir.Constant:
        spec = registry.get(op.opdef).lowering
        assert isinstance(spec, Reduce)
        return _identity(spec.combine, reg_type(op.result.type.dtype), op.operands[0].type.dtype)

    def body(idx: list[ir.Value]) -> None:
        vals: dict[Value, ir.Value] = {}

        def get(v: Value) -> ir.Value:
            if v not in vals:
                s = _splat(p, v)
                if s is not None:
                    vals[v] = _immediate(v, s)
                else:
                    root = leaf_root(p, v)
                    vals[v] = load(b, ptr[root], offset(b, idx, leaf_st[v], leaf_off[v]), v.type.dtype)
            return vals[v]

        for op in n.ops:
            spec = registry.get(op.opdef).lowering
            if isinstance(spec, Elementwise):
                args = [get(v) for v in op.operands]
                r = EMITTERS[spec.scalar](ctx, b, args, [v.type.dtype for v in op.operands],
                                          op.result.type.dtype, op.attrs)
                vals[op.result] = r
                if op.result in p.materialise:
                    store(b, r, ptr[op.result], offset(b, idx, row_st), op.result.type.dtype)
                continue
            assert isinstance(spec, Reduce)
            x, dt = get(op.operands[0]), op.result.type.dtype
            if start[op] is None:
                o = offset(b, idx, out_st[op])
                acc = load(b, ptr[op.result], o, dt)
                store(b, _combine(ctx, b, spec.combine, acc, x), ptr[op.result], o, dt)
            elif op in lanes:
                ty = reg_type(dt)
                lp = lane_ptr(b, lanes[op][0], ty, lane[0])
                b.store(_combine(ctx, b, spec.combine, b.load(lp, typ=ty), x), lp)
            else:
                slot, ty = acc_slot[op], reg_type(dt)
                b.store(_combine(ctx, b, spec.combine, b.load(slot, typ=ty), x), slot)

    def flush_up(lo: int, hi: int) -> None:
        """Level j into level j + 1 for j in lo..hi-1, in that order."""
        for j in range(lo, hi):
            for op in lane_ops:
                ty = reg_type(op.result.type.dtype)
                flush(b, ctx, comb(op), lanes[op][j + 1], lanes[op][j], ty, ident(op))

    def periodic(r: ir.Value, j: int) -> None:
        if j < depth - 1:  # nested: a level-j group closes only where a level-(j-1) one does
            with b.if_then(block_end(b, r, j)):
                flush_up(j - 1, j)
                periodic(r, j + 1)

    def split_innermost(idx: list[ir.Value]) -> None:
        """The innermost loop as rows of K lanes plus a tail (lanes.py's summation order).
        Each element goes through level(rank): reductions that keep every dimension start
        (and are stored) there, next to the lane-split ones."""
        base: ir.Value | None = None
        rows: int | ir.Value
        tail: int | ir.Value
        if lo_hi is not None and rank == 1:  # this chunk's elements: lanes and rows count from lo
            base, n_dyn = lo_hi[0], b.sub(lo_hi[1], lo_hi[0], flags=("nsw",))
            rows, tail = b.udiv(n_dyn, i64(LANES)), b.urem(n_dyn, i64(LANES))
        else:
            rows, tail = divmod(cshape[-1], LANES)

        def at(e: ir.Value) -> ir.Value:
            return e if base is None else b.add(base, e, flags=("nuw", "nsw"))

        with loop(b, rows, "row") as r:
            with loop(b, LANES, "lane") as k:
                lane[:] = [k]
                level(rank, [*idx, at(b.add(b.mul(r, i64(LANES), flags=("nuw", "nsw")), k, flags=("nuw", "nsw")))])
            periodic(r, 1)
        if base is not None or tail:
            done = i64(rows * LANES) if isinstance(rows, int) else b.mul(rows, i64(LANES), flags=("nuw", "nsw"))
            with loop(b, tail, "tail") as t:
                lane[:] = [t]
                level(rank, [*idx, at(b.add(t, done, flags=("nuw", "nsw")))])
        flush_up(0, depth - 1)

    def level(d: int, idx: list[ir.Value]) -> None:
        here = [op for op in reduces if start[op] == d]
        for op in here:
            if op in lanes:
                for arr in lanes[op]:
                    fill(b, arr, reg_type(op.result.type.dtype), ident(op))
            else:
                b.store(ident(op), acc_slot[op])
        if d == rank:
            body(idx)
        elif d == rank - 1 and lane_ops:
            split_innermost(idx)
        elif d == 0 and lo_hi is not None:
            with loop(b, b.sub(lo_hi[1], lo_hi[0], flags=("nsw",)), "l0") as i:
                level(1, [b.add(lo_hi[0], i, flags=("nuw", "nsw"))])
        elif blocked and window:
            length = fn.args[-1]
            trips = b.udiv(b.add(length, i64(window - 1), flags=("nuw", "nsw")), i64(window))
            with loop(b, trips, "win") as w:
                at = b.mul(w, i64(window), flags=("nuw", "nsw"))
                last = b.sub(length, i64(window), flags=("nuw", "nsw"))
                start_ = b.select(b.icmp_unsigned("<", at, last), at, last)
                with loop(b, window, f"l{d}", INTERLEAVE) as i:
                    level(d + 1, [*idx, b.add(start_, i, flags=("nuw", "nsw"))])
        else:
            with loop(b, fn.args[-1] if blocked else cshape[d], f"l{d}", INTERLEAVE if blocked else 0) as i:
                level(d + 1, [*idx, i])
        for op in here:
            dt = op.result.type.dtype
            if op in lanes:
                acc = pairwise(b, comb(op), lanes[op][-1], reg_type(dt))
            else:
                acc = b.load(acc_slot[op], typ=reg_type(dt))
            res = acc if op in partial else _finish(ctx, b, op, acc)
            store(b, res, ptr[op.result], offset(b, idx, out_st[op][:d]), dt)

    level(0, [])
    for op in reduces:
        if start[op] is None and op not in partial:
            _memory_finish(ctx, b, op, ptr[op.result], region[op])
    b.ret_void()
    return fn, writes, reads


def _immediate(v: Value, s: np.ndarray) -> ir.Value:
    ty = reg_type(v.type.dtype)
    if v.type.dtype.is_float:
        return ir.Constant(ty, float(s))
    return ir.Constant(ty, int(s))


def _reduce_out_strides(op: Op) -> tuple[int, ...]:
    xt = op.operands[0].type
    axes = tuple(op.attrs["axes"])
    kept = [k for k in range(xt.rank) if k not in axes]
    kst = dict(zip(kept, contiguous_strides(tuple(xt.shape[k] for k in kept)), strict=True))
    return tuple(kst.get(k, 0) for k in range(xt.rank))


def _count(op: Op) -> int:
    c = 1
    for k in op.attrs["axes"]:
        c *= op.operands[0].type.shape[k]
    return c


def _finish(ctx: Ctx, b: ir.IRBuilder, op: Op, acc: ir.Value) -> ir.Value:
    spec = registry.get(op.opdef).lowering
    assert isinstance(spec, Reduce)
    if spec.mean:  # float only here: integer means are standalone kernels (fusion.py)
        return b.fdiv(acc, ir.Constant(acc.type, float(_count(op))), flags=ctx.fm)
    return acc


# A chunk's outputs of a reduction keeping the split dimension: (lo, hi, that dim's output
# stride); kept dimensions keep their order, so they are the contiguous run [lo*s, hi*s).
Region = tuple[ir.Value, ir.Value, int] | None


def _each_out(b: ir.IRBuilder, op: Op, f: Callable[[ir.Value], None], region: Region = None) -> None:
    if region is None:
        with loop(b, op.result.type.size, "o") as i:
            f(i)
        return
    lo, hi, s = region
    first = b.mul(lo, i64(s), flags=("nuw", "nsw"))
    with loop(b, b.mul(b.sub(hi, lo, flags=("nsw",)), i64(s), flags=("nsw",)), "o") as i:
        f(b.add(first, i, flags=("nuw", "nsw")))


def _memory_init(ctx: Ctx, b: ir.IRBuilder, op: Op, out: ir.Value, region: Region = None) -> None:
    spec = registry.get(op.opdef).lowering
    assert isinstance(spec, Reduce)
    dt = op.result.type.dtype
    init = _identity(spec.combine, reg_type(dt), op.operands[0].type.dtype)
    _each_out(b, op, lambda i: store(b, init, out, i, dt), region)


def _memory_finish(ctx: Ctx, b: ir.IRBuilder, op: Op, out: ir.Value, region: Region = None) -> None:
    spec = registry.get(op.opdef).lowering
    assert isinstance(spec, Reduce)
    if spec.mean:
        dt = op.result.type.dtype
        _each_out(b, op, lambda i: store(b, _finish(ctx, b, op, load(b, out, i, dt)), out, i, dt), region)
