"""Lowers a Function to one LLVM module: buffer planning and the entry function.

ABI: `void @<sym>(i8** inputs, i8** outputs, i8* workspace)`. Arguments are read in place
from `inputs[i]`; constants are LLVM globals; every other value lives in the caller's buffers:
a value that is an output (first occurrence) is computed straight into `outputs[j]`, all
others get a 64-byte aligned slot at a compile-time offset in the workspace arena. Outputs
that are arguments, constants or repeats of an earlier output are filled by memcpy at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from llvmlite import ir

from gradc.compiler.ir.core import Function, Value
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import ConstantData, NoCode

from .common import I8, PTR, VOID, Ctx, gep, i64, memcpy
from .expand import expand
from .kernels import emit_kernel

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
    # (output position, source value): outputs filled by copying after all ops ran.
    copies: list[tuple[int, Value]] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"workspace {self.workspace_size} bytes"]
        lines += [f"  {v.name}: {s.kind}[{s.index}] {s.nbytes}B" for v, s in self.slots.items()]
        lines += [f"  output {j} <- copy of {v.name}" for j, v in self.copies]
        return "\n".join(lines)


@dataclass
class LoweredModule:
    llvm_ir: str
    symbol: str
    plan: BufferPlan
    fn: Function  # the function actually lowered (composites expanded)


def nbytes(v: Value) -> int:
    return v.type.size * v.type.dtype.np.itemsize


def plan_buffers(fn: Function) -> BufferPlan:
    """A simple non-overlapping plan (slot reuse by liveness is a later pass)."""
    plan = BufferPlan()
    for i, a in enumerate(fn.args):
        plan.slots[a] = Slot("input", i, nbytes(a))
    first_out: dict[Value, int] = {}
    for j, v in enumerate(fn.outputs):
        if v.op is None or v in first_out or _is_constant(v):
            plan.copies.append((j, v))
        else:
            first_out[v] = j
    n_const = 0
    for op in fn.ops:
        const = isinstance(registry.get(op.opdef).lowering, ConstantData)
        for r in op.results:
            if const:
                plan.slots[r] = Slot("constant", n_const, nbytes(r))
                n_const += 1
            elif r in first_out:
                plan.slots[r] = Slot("output", first_out[r], nbytes(r))
            else:
                plan.slots[r] = Slot("workspace", plan.workspace_size, nbytes(r))
                plan.workspace_size += -(-nbytes(r) // ALIGN) * ALIGN
    return plan


def _is_constant(v: Value) -> bool:
    return v.op is not None and isinstance(registry.get(v.op.opdef).lowering, ConstantData)


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


def lower(fn: Function, *, fastmath: bool = False, symbol: str | None = None) -> LoweredModule:
    """Lower `fn` (after expanding composites, on a copy) to an LLVM module's text."""
    fn = expand(fn)
    sym = symbol or symbol_for(fn.name)
    plan = plan_buffers(fn)
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
        if v not in ptrs:
            s = plan.slots[v]
            if s.kind == "workspace":
                ptrs[v] = b.gep(ws, [i64(s.index)], inbounds=True, source_etype=I8)
            else:
                base = inputs if s.kind == "input" else outputs
                ptrs[v] = b.load(gep(b, base, i64(s.index), PTR), typ=PTR, name=f"{s.kind}{s.index}")
        return ptrs[v]

    for v in fn.args:
        slot_ptr(v)
    for op in fn.ops:
        spec = registry.get(op.opdef).lowering
        if isinstance(spec, NoCode):
            continue
        if isinstance(spec, ConstantData):
            s = plan.slots[op.result]
            ptrs[op.result] = _constant_global(mod, f"{sym}.c{s.index}", op.attrs["value"])
            continue
        kfn = emit_kernel(ctx, op, spec, sym)
        b.call(kfn, [slot_ptr(r) for r in op.results] + [slot_ptr(v) for v in op.operands])
    for j, v in plan.copies:
        dst = b.load(gep(b, outputs, i64(j), PTR), typ=PTR, name=f"output{j}")
        src = slot_ptr(v)
        memcpy(ctx, b, dst, src, nbytes(v))
    b.ret_void()
    return LoweredModule(str(mod), sym, plan, fn)
