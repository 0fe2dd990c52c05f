"""Two chunks for large standalone fused loops, run on one thread or two: the same bits.

A plan node of kind "loop" outside blocked runs and row-blocked chains with at least PAR_MIN
iterations (PAR_MIN_LIGHT without transcendental math) is split into exactly two chunks along
its outermost coalesced dimension (the flat index of a 1-D group): [0, mid) and [mid, extent).
The split is part of the plan, fixed by the ops and shapes alone; the thread count only
decides whether the chunks run one after the other (threads=1, and always in AOT objects) or
concurrently (threads=2), so results are bit-identical either way. Both chunks run one
kernel, emit_loop's chunked variant `void(ptr writes..., ptr reads..., i64 lo, i64 hi)`:

- elementwise results and reductions that keep the split dimension write disjoint outputs;
- a reduction over the split dimension writes an unscaled partial per chunk (chunk 0 into
  its real output, chunk 1 into workspace past the buffer plan's end); afterwards
  `out = finish(combine(partial 0, partial 1))`: chunk 0 then chunk 1, mean scaling once.

With two threads the entry stores chunk 1's arguments in a struct on its stack, starts
`thunk(ptr args)` with pthread_create, runs chunk 0 itself and joins. If pthread_create fails
the entry runs chunk 1 inline (same order, same bits): never a crash.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from llvmlite import ir

from gradc.compiler.ir.core import Op, Value
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import Reduce

from .common import I32, I64, PTR, VOID, Ctx, i64, load, store
from .fused import _finish, emit_loop, loop_key, nest
from .fusion import FusionPlan, Node, node_reads, node_writes
from .kernels import _combine
from .loops import loop
from .memory import ALIGN, nbytes

# When a second thread pays (measured here: tests/test_threads.py's split, the README).
# pthread_create + join costs ~20 us on an idle core (C loop, min 18 us), ~30 us when the
# machine is busy. A body with transcendental math runs ~2.7 ns/element (W2 + gradient: 1e6
# elements 2.8 ms serial), so at 2^18 elements (~0.7 ms) the spawn is ~6% of the ~0.35 ms a
# second core saves. Arithmetic-only bodies are memory-bound (~0.1 ns/element: x*2+1 at 2^18
# took 26 us serial, 54 us split; at 2^22 0.87 vs 1.25 ms; at 2^24 14.9 vs 13.8 ms), so they
# split only from 2^24 elements.
PAR_MIN = 1 << 18  # elements, bodies with transcendental math
PAR_MIN_LIGHT = 1 << 24  # elements, arithmetic-only bodies
HEAVY = frozenset({"exp", "log", "log1p", "sin", "cos", "tanh", "sigmoid", "pow"})
ALIGN_1D = 64  # 1-D split points are multiples of this (whole vectors and cache lines per chunk)
PTHREAD_CREATE, PTHREAD_JOIN = "gradc.pthread_create", "gradc.pthread_join"  # mapped by runtime/jit.py


def thread_count(threads: int | None = None) -> int:
    """Threads for a compile: `threads` if given, else $GRADC_THREADS, else min(2, the cores
    this process may run on), so a process pinned to one core compiles the serial path."""
    if threads is None:
        env = os.environ.get("GRADC_THREADS", "").strip()
        if env:
            try:
                threads = int(env)
            except ValueError:
                raise ValueError(f"GRADC_THREADS must be an integer, got {env!r}") from None
        else:
            threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(2, int(threads)))


@dataclass(frozen=True)
class Split:
    """How one loop node is chunked: [0, mid) and [mid, extent) of its outermost dimension;
    `partial`: the reductions over that dimension (combined after both chunks)."""

    extent: int
    mid: int
    partial: tuple[Op, ...]


def plan_split(p: FusionPlan, n: Node) -> Split | None:
    """The two-chunk split of standalone loop group `n`, or None (too little work, scalar or empty)."""
    cshape, cst, leaves, reduces = nest(p, n)
    if n.kind != "loop" or not cshape or any(d == 0 for d in cshape) or cshape[0] < 2:
        return None
    size = 1
    for d in cshape:
        size *= d
    heavy = any(getattr(registry.get(op.opdef).lowering, "scalar", None) in HEAVY for op in n.ops)
    if size < (PAR_MIN if heavy else PAR_MIN_LIGHT):
        return None
    extent = cshape[0]
    if len(cshape) == 1:
        mid = (extent // 2 + ALIGN_1D - 1) // ALIGN_1D * ALIGN_1D
    else:
        mid = (extent + 1) // 2
    if not 0 < mid < extent:
        return None
    outs = cst[len(leaves) + 1:]
    partial = tuple(op for op, st in zip(reduces, outs, strict=True) if st[0] == 0)
    return Split(extent, mid, partial)


class Parallel:
    """Emits split loop nodes into the entry (`emit`), one chunked kernel and thunk per loop key."""

    def __init__(self, ctx: Ctx, p: FusionPlan, sym: str, threads: int, ws: ir.Value, ws_base: int) -> None:
        self.ctx, self.p, self.sym, self.threads = ctx, p, sym, threads
        self.ws, self.ws_base = ws, ws_base
        self.ws_extra = 0  # workspace bytes past ws_base (partials of one node at a time)
        self.lines: list[str] = []
        self._kernels: dict[object, tuple[ir.Function, ir.Function | None]] = {}
        self._combines: dict[object, ir.Function] = {}

    def describe(self) -> str:
        """The splits as plan text (appended to the module's comment block)."""
        return "\n".join(self.lines)

    def workspace_size(self, base: int) -> int:
        return base + self.ws_extra if self.ws_extra else base

    def emit(self, b: ir.IRBuilder, n: Node, slot_ptr: Callable[[Value], ir.Value]) -> bool:
        """Emit node `n` as two chunks (and its partial combines); False if it is not split."""
        s = plan_split(self.p, n)
        if s is None:
            return False
        writes, reads = node_writes(self.p, n), node_reads(self.p, n)
        kfn, thunk = self._kernel(n)
        args0 = [slot_ptr(v) for v in writes + reads]
        args1 = list(args0)
        off = self.ws_base
        for op in s.partial:  # chunk 1's partials in workspace past the buffer plan
            k = writes.index(op.result)
            args1[k] = b.gep(self.ws, [i64(off)], inbounds=True, source_etype=ir.IntType(8))
            off += -(-nbytes(op.result) // ALIGN) * ALIGN
        self.ws_extra = max(self.ws_extra, off - self.ws_base)
        chunk0, chunk1 = [*args0, i64(0), i64(s.mid)], [*args1, i64(s.mid), i64(s.extent)]
        if self.threads >= 2 and thunk is not None:
            self._two_threads(b, kfn, thunk, chunk0, chunk1)
        else:
            b.call(kfn, chunk0)
            b.call(kfn, chunk1)
        for op in s.partial:
            k = writes.index(op.result)
            b.call(self._combine(op), [args0[k], args1[k]])
        shape = "x".join(map(str, n.shape)) or "scalar"
        part = f"; partials combined chunk 0 then 1: {', '.join(op.result.name for op in s.partial)}" \
            if s.partial else ""
        self.lines.append(f"[{n.pos}] loop<{shape}> split in 2 chunks of dim 0 (extent {s.extent}): "
                          f"[0, {s.mid}) [{s.mid}, {s.extent}), threads={self.threads}{part}")
        return True

    def _kernel(self, n: Node) -> tuple[ir.Function, ir.Function | None]:
        key = loop_key(self.p, n)
        if key not in self._kernels:
            k = len(self._kernels)
            kfn, _, _ = emit_loop(self.ctx, self.p, n, f"{self.sym}.p{k}.chunked", chunked=True)
            thunk = _thunk(self.ctx, kfn, f"{self.sym}.p{k}.thunk") if self.threads >= 2 else None
            self._kernels[key] = (kfn, thunk)
        return self._kernels[key]

    def _two_threads(self, b: ir.IRBuilder, kfn: ir.Function, thunk: ir.Function,
                     chunk0: list[ir.Value], chunk1: list[ir.Value]) -> None:
        mod = self.ctx.module
        st = _args_type(kfn)
        arg, tid = _entry_alloca(b, st), _entry_alloca(b, I64)  # pthread_t is unsigned long
        for k, v in enumerate(chunk1):
            b.store(v, b.gep(arg, [ir.Constant(I32, 0), ir.Constant(I32, k)], inbounds=True))
        create = _declare(mod, PTHREAD_CREATE, ir.FunctionType(I32, [PTR, PTR, PTR, PTR]))
        join = _declare(mod, PTHREAD_JOIN, ir.FunctionType(I32, [I64, PTR]))
        rc = b.call(create, [tid, ir.Constant(PTR, None), thunk, arg])
        with b.if_else(b.icmp_signed("==", rc, ir.Constant(I32, 0))) as (started, failed):
            with started:
                b.call(kfn, chunk0)
                b.call(join, [b.load(tid, typ=I64), ir.Constant(PTR, None)])
            with failed:  # no thread (limits, memory): the serial order, the same bits
                b.call(kfn, chunk0)
                b.call(kfn, chunk1)

    def _combine(self, op: Op) -> ir.Function:
        """`void(ptr out, ptr partial1)`: out[i] = finish(combine(out[i], partial1[i]))."""
        spec = registry.get(op.opdef).lowering
        assert isinstance(spec, Reduce)
        dt = op.result.type.dtype
        key = (spec.combine, spec.mean, dt, op.result.type.size, op.operands[0].type.shape, tuple(op.attrs["axes"]))
        if key not in self._combines:
            fn = ir.Function(self.ctx.module, ir.FunctionType(VOID, [PTR, PTR]),
                             f"{self.sym}.p{len(self._combines)}.combine")
            fn.linkage = "internal"
            fn.attributes.add("nounwind")
            for a in fn.args:
                a.add_attribute("noalias")
            cb = ir.IRBuilder(fn.append_basic_block("entry"))
            out, part = fn.args
            with loop(cb, op.result.type.size, "o") as i:
                acc = _combine(self.ctx, cb, spec.combine, load(cb, out, i, dt), load(cb, part, i, dt))
                store(cb, _finish(self.ctx, cb, op, acc), out, i, dt)
            cb.ret_void()
            self._combines[key] = fn
        return self._combines[key]


def _args_type(kfn: ir.Function) -> ir.LiteralStructType:
    return ir.LiteralStructType([a.type for a in kfn.args])


def _thunk(ctx: Ctx, kfn: ir.Function, name: str) -> ir.Function:
    """`ptr thunk(ptr args)`: unpacks the kernel's arguments from the struct and runs it."""
    fn = ir.Function(ctx.module, ir.FunctionType(PTR, [PTR]), name)
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    st = _args_type(kfn)
    vals = [b.load(b.gep(fn.args[0], [ir.Constant(I32, 0), ir.Constant(I32, k)], inbounds=True, source_etype=st),
                   typ=a.type) for k, a in enumerate(kfn.args)]
    b.call(kfn, vals)
    b.ret(ir.Constant(PTR, None))
    return fn


def _declare(mod: ir.Module, name: str, ty: ir.FunctionType) -> ir.Function:
    fn = mod.globals.get(name)
    if fn is None:
        fn = ir.Function(mod, ty, name)
        fn.attributes.add("nounwind")
    return fn  # type: ignore[return-value]


def _entry_alloca(b: ir.IRBuilder, ty: ir.Type) -> ir.Value:
    """An alloca at the top of the entry block (the block may already end in a branch)."""
    here = b.block
    b.position_at_start(b.function.entry_basic_block)
    a = b.alloca(ty)
    b.position_at_end(here)
    return a
