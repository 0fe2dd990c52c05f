"""Lane-split reductions for fused loops: K independent accumulators, blocked, combined pairwise.

A float reduction with one accumulator is a serial dependence chain that LLVM may not reorder
without fast-math, so the whole fused loop (transcendentals included) stays scalar; it is also
inaccurate (sequential float32 summation of 1e7 terms loses ~3 digits). A fused loop whose
innermost dimension is reduced is therefore emitted as

    for r in range(N // K):                       # rows of K consecutive elements
        for l in range(K):                        # the loop LLVM vectorises (no reduction in it)
            acc0[l] = acc0[l] (+) x[r*K + l]
        if r % R == R - 1:                        # every R rows: acc1 (+)= acc0; acc0 = identity
            flush acc0 -> acc1; if r % R**2 == R**2 - 1: flush acc1 -> acc2; ...
    for t in range(N % K): acc0[t] = acc0[t] (+) x[(N // K)*K + t]          (the tail)
    flush acc0 -> acc1 -> ... -> total                                       (every level)

Summation order (the contract: deterministic, fixed by the shapes alone): element e of the
reduced innermost run of length N goes to lane e % K. Per lane the row values are summed as an
R-ary tree: R consecutive rows sequentially into a level-1 sum, R level-1 sums sequentially
into a level-2 sum, and so on (as many levels as N // K needs); the tail elements are added
into level 0 after the last row, then every level is flushed upwards in order into the lane's
total, which carries across the outer reduced dimensions in loop order. At the end the K lane
totals are combined pairwise as a tree: lane l with l + K/2, then l + K/4, ... . Each value
passes through at most ~R additions per level, about R*log_R(N/K) + log2(K) in all: NumPy's
pairwise-sum error growth. max/min keep NaN propagation (every combine is NumPy's max/min);
prod and integer reductions use the same order.
"""

from __future__ import annotations

from llvmlite import ir

from .common import I64, Ctx, i64

LANES = 16  # K: a multiple of every vector width here (AVX-512: 16 float32, 8 float64)
BLOCK_ROWS = 16  # R: the tree's fan-in, a power of two (flush cost: one vector op per R rows)
LANE_MIN = 2 * LANES  # innermost runs shorter than this keep one sequential accumulator


def lane_array(b: ir.IRBuilder, ty: ir.Type) -> ir.Value:
    """A [K x ty] stack array in the entry block (SROA keeps it in vector registers)."""
    with b.goto_entry_block():
        return b.alloca(ir.ArrayType(ty, LANES))


def lane_ptr(b: ir.IRBuilder, arr: ir.Value, ty: ir.Type, lane: ir.Value) -> ir.Value:
    return b.gep(arr, [i64(0), lane], inbounds=True)  # a typed alloca: the element type follows


def fill(b: ir.IRBuilder, arr: ir.Value, ty: ir.Value, value: ir.Value) -> None:
    """arr[l] = value for every lane (straight-line: K stores the SLP vectoriser merges)."""
    for k in range(LANES):
        b.store(value, lane_ptr(b, arr, ty, i64(k)))


def flush(b: ir.IRBuilder, ctx: Ctx, combine: object, tot: ir.Value, blk: ir.Value, ty: ir.Type,
          identity: ir.Value) -> None:
    """tot[l] = combine(tot[l], blk[l]); blk[l] = identity, for every lane."""
    for k in range(LANES):
        tp, bp = lane_ptr(b, tot, ty, i64(k)), lane_ptr(b, blk, ty, i64(k))
        b.store(combine(b.load(tp, typ=ty), b.load(bp, typ=ty)), tp)  # type: ignore[operator]
        b.store(identity, bp)


def pairwise(b: ir.IRBuilder, combine: object, tot: ir.Value, ty: ir.Type) -> ir.Value:
    """The K lane totals combined as a tree: l with l + K/2, then l + K/4, ... (fixed order)."""
    vals = [b.load(lane_ptr(b, tot, ty, i64(k)), typ=ty) for k in range(LANES)]
    while len(vals) > 1:
        h = len(vals) // 2
        vals = [combine(vals[k], vals[k + h]) for k in range(h)]  # type: ignore[operator]
    return vals[0]


def tree_levels(rows: int) -> int:
    """Accumulator arrays for `rows` rows: level 0, one per periodic flush level, the total."""
    h, span = 2, BLOCK_ROWS
    while span < rows:
        h, span = h + 1, span * BLOCK_ROWS
    return h


def block_end(b: ir.IRBuilder, r: ir.Value, level: int) -> ir.Value:
    """i1: row `r` closes a level-`level` group (r % R**level == R**level - 1)."""
    m = BLOCK_ROWS**level - 1
    return b.icmp_unsigned("==", b.and_(r, ir.Constant(I64, m)), i64(m))
