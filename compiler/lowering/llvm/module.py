"""Lowers a Function to one LLVM module: fusion plan, buffer plan and the entry function.

ABI: `void @<sym>(i8** inputs, i8** outputs, i8* workspace)`. `plan_fusion` groups the ops
into a few kernels (fused loop nests and standalone ops, fusion.py), `plan_memory` gives each
buffer a slot (arguments in place, constants as globals, outputs written directly, the rest
in one reused workspace arena, memory.py), and the entry calls the kernels in order. The
fusion plan is printed as a comment block at the top of the module text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
from llvmlite import ir

from gradc.compiler.ir.core import Function, Value
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import MatMul

from .blas import emit_gemm, usable
from .common import I8, PTR, VOID, Ctx, gep, i64, memcpy
from .expand import expand
from .fused import emit_loop, loop_key
from .fusion import FusionPlan, Node, node_reads, node_writes, plan_fusion
from .kernels import emit_kernel, kernel_function
from .loops import loop_ids
from .memory import ALIGN, BufferPlan, Slot, nbytes, plan_memory
from .parallel import Parallel
from .rowblocks import plan_runs

__all__ = ["ALIGN", "BufferPlan", "LoweredModule", "Slot", "lower", "nbytes", "plan_buffers", "symbol_for"]


_METADATA_REF = re.compile(r"!\d+")
OUTLINE_ABOVE = 8  # kernels per function above which kernels are not inlined into the entry


@dataclass
class LoweredModule:
    llvm_ir: str
    symbol: str
    plan: BufferPlan
    fn: Function  # the function actually lowered (composites expanded)
    fusion: FusionPlan | None = None

    @property
    def workspace_size(self) -> int:
        return self.plan.workspace_size


def plan_buffers(fn: Function, fuse: bool = False) -> BufferPlan:
    """The buffer plan of an expanded function (unfused by default: one buffer per value)."""
    return plan_memory(fn, plan_fusion(fn, fuse=fuse))


def symbol_for(name: str) -> str:
    return "gradc_" + (re.sub(r"[^A-Za-z0-9_]", "_", name) or "fn")


def _constant_global(mod: ir.Module, name: str, value: np.ndarray) -> ir.GlobalVariable:
    data = bytearray(np.ascontiguousarray(value).tobytes()) or bytearray(1)
    ty = ir.ArrayType(I8, len(data))
    g = ir.GlobalVariable(mod, ty, name)
    g.global_constant = True
    g.linkage = "internal"
    g.unnamed_addr = True
    g.align = ALIGN
    g.initializer = ir.Constant(ty, data)
    return g


def lower(fn: Function, *, fastmath: bool = False, symbol: str | None = None, fuse: bool = True,
          blas: bool = True, reuse: bool = True, threads: int = 1) -> LoweredModule:
    """Lower `fn` (after expanding composites, on a copy) to an LLVM module's text.

    fuse: fused loop groups (False: one kernel per op); blas: matmul through OpenBLAS
    (False: loop kernels only, e.g. for AOT); reuse: workspace slots reused by liveness;
    threads: 2 runs the two chunks of large loops concurrently (parallel.py; 1: in order).
    """
    fn = expand(fn)
    sym = symbol or symbol_for(fn.name)
    fplan = plan_fusion(fn, fuse=fuse)
    runs = plan_runs(fn, fplan, blas) if fuse else []  # blocked runs and row-blocked chains
    plan = plan_memory(fn, fplan, reuse=reuse, runs=runs)
    mod = ir.Module(name=sym)
    ctx = Ctx(mod, fastmath)
    entry = ir.Function(mod, ir.FunctionType(VOID, [PTR, PTR, PTR]), sym)
    for a, n in zip(entry.args, ("inputs", "outputs", "workspace"), strict=False):
        a.name = n
    entry.attributes.add("nounwind")
    b = ir.IRBuilder(entry.append_basic_block("entry"))
    inputs, outputs, ws = entry.args
    ptrs: dict[Value, ir.Value] = {}

    def slot_ptr(v: Value) -> ir.Value:
        v = fplan.root(v)
        if v not in ptrs:
            s = plan.slots[v]
            if s.kind == "workspace":
                ptrs[v] = b.gep(ws, [i64(s.index)], inbounds=True, source_etype=I8)
            elif s.kind == "constant":
                assert v.op is not None
                ptrs[v] = _constant_global(mod, f"{sym}.c{s.index}", v.op.attrs["value"])
            else:
                base = inputs if s.kind == "input" else outputs
                ptrs[v] = b.load(gep(b, base, i64(s.index), PTR), typ=PTR, name=f"{s.kind}{s.index}")
        return ptrs[v]

    for v in fn.args:
        slot_ptr(v)
    ids = itertools.count()
    by_key: dict[Hashable, ir.Function] = {}
    by_text: dict[str, ir.Function] = {}

    def loop_kernel(node: Node, blocked: bool, window: int = 0) -> tuple[ir.Function, list[Value], list[Value]]:
        # An unrolled Python loop fuses into many groups with the same code (W5: 1000 steps
        # become ~95 groups but a handful of distinct kernels): one function per body, so
        # emission, LLVM's optimiser and code generation follow the distinct code, not the
        # graph's length. Groups with equal keys are not emitted again; equal text is merged.
        key = loop_key(fplan, node, blocked, window)
        if key in by_key:
            return by_key[key], node_writes(fplan, node), node_reads(fplan, node)
        kfn, w, r = emit_loop(ctx, fplan, node, f"{sym}.k{next(ids)}.{'blocked' if blocked else 'fused'}", blocked,
                              window=window)
        body = _METADATA_REF.sub("!", str(kfn).split(kfn.name, 1)[1])  # loop ids are distinct nodes
        if body in by_text:
            del mod.globals[kfn.name]
            kfn = by_text[body]
        by_key[key] = by_text.setdefault(body, kfn)
        return kfn, w, r

    par = Parallel(ctx, fplan, sym, threads, ws, plan.workspace_size)  # two-chunk loops
    run_at = {r.lo: r for r in runs}
    skip = 0
    for k, node in enumerate(fplan.nodes):
        if k in run_at:
            r = run_at[k]
            kernels = [loop_kernel(n, True, r.window) for n in fplan.nodes[r.lo:r.hi] if n.kind == "loop"]
            r.emit(b, kernels, slot_ptr)  # a blocked run or a row-blocked chain
            skip = r.hi
        if k < skip:
            continue
        if node.kind == "loop":
            if par.emit(b, node, slot_ptr):
                continue
            kfn, writes, reads = loop_kernel(node, False)
            b.call(kfn, [slot_ptr(v) for v in writes + reads])
            continue
        op = node.ops[0]
        spec = registry.get(op.opdef).lowering
        if isinstance(spec, MatMul) and blas and usable(op):
            kfn, kb = kernel_function(ctx, op, f"{sym}.g{next(ids)}")
            emit_gemm(ctx, kb, op, *kfn.args)
            kb.ret_void()
        else:
            kfn = emit_kernel(ctx, op, spec, f"{sym}.o{next(ids)}")
        b.call(kfn, [slot_ptr(r) for r in op.results] + [slot_ptr(v) for v in op.operands])
    if len(fplan.nodes) > OUTLINE_ABOVE:
        # Many kernels: keep them out of line so each is optimised on its own and
        # function-level passes see one loop nest at a time (compile time stays linear).
        for f in mod.functions:
            if f is not entry and f.name.startswith(sym + ".") and "alwaysinline" not in f.attributes:
                f.attributes.add("noinline")
        # The entry only sequences kernel calls: unoptimised (fast instruction selection, no
        # hoisting of ~1000 slot addresses out of the block loops to spill) costs nothing at
        # run time and halves W5 n1000's code generation time.
        entry.attributes.add("noinline")
        entry.attributes.add("optnone")
    for j, v in plan.copies:
        dst = b.load(gep(b, outputs, i64(j), PTR), typ=PTR, name=f"output{j}")
        memcpy(ctx, b, dst, slot_ptr(v), nbytes(v))
    b.ret_void()
    plan.workspace_size = par.workspace_size(plan.workspace_size)  # + chunk partials
    comment = "".join(f"; {line}\n" for line in (fplan.describe() + "\n" + par.describe()).strip().splitlines())
    return LoweredModule(comment + loop_ids(str(mod)), sym, plan, fn, fplan)
