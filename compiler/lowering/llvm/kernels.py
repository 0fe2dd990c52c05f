"""Loop-nest kernels for the lowering specs: Elementwise, Reduce, View, Assemble, MatMul.

Each op becomes one internal LLVM function `void(ptr noalias out..., ptr noalias in...)` that
the entry function calls with buffer pointers. `noalias` is sound because an op's results
never share memory with its operands (the buffer plan gives every value its own storage), and
it is what lets LLVM vectorise the loops without runtime overlap checks. Single-use internal
functions are inlined by the optimiser, which keeps the aliasing facts as scoped metadata.
"""

from __future__ import annotations

import itertools

from llvmlite import ir

from gradc.compiler.ir.core import Op
from gradc.compiler.ir.types import DType
from gradc.compiler.ops.common import broadcast_strides, contiguous_strides
from gradc.compiler.ops.registry import Assemble, Elementwise, MatMul, Reduce, View, ViewMap

from .common import F64, PTR, VOID, Ctx, gep, i64, load, mem_type, memset0, reg_type, store
from .loops import coalesce, loop, nest, offset
from .scalar import EMITTERS, const, np_max, np_min
from .scalar_unary import float_to_int

_ids = itertools.count()


def kernel_function(ctx: Ctx, op: Op, prefix: str) -> tuple[ir.Function, ir.IRBuilder]:
    """An internal function taking (results..., operands...) pointers, positioned at its entry."""
    n = len(op.results) + len(op.operands)
    fn = ir.Function(ctx.module, ir.FunctionType(VOID, [PTR] * n), f"{prefix}.k{next(_ids)}.{op.opdef}")
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    for a in fn.args:
        a.add_attribute("noalias")
    return fn, ir.IRBuilder(fn.append_basic_block("entry"))


def emit_kernel(ctx: Ctx, op: Op, spec: object, prefix: str) -> ir.Function:
    fn, b = kernel_function(ctx, op, prefix)
    outs = list(fn.args[: len(op.results)])
    ins = list(fn.args[len(op.results):])
    if isinstance(spec, Elementwise):
        _elementwise(ctx, b, op, spec, outs[0], ins)
    elif isinstance(spec, Reduce):
        _reduce(ctx, b, op, spec, outs[0], ins[0])
    elif isinstance(spec, View):
        maps = spec.fn([v.type for v in op.operands], [r.type for r in op.results], op.attrs)
        for out, m, r in zip(outs, maps, op.results, strict=False):
            _copy_map(b, m, src=ins[m.operand], dst=out, dt=r.type.dtype, read=True)
    elif isinstance(spec, Assemble):
        out_t = op.results[0].type
        if spec.zero_fill:
            memset0(ctx, b, outs[0], out_t.size * out_t.dtype.np.itemsize)
        for m in spec.fn([v.type for v in op.operands], out_t, op.attrs):
            _copy_map(b, m, src=ins[m.operand], dst=outs[0], dt=out_t.dtype, read=False)
    elif isinstance(spec, MatMul):
        _matmul(ctx, b, op, outs[0], ins[0], ins[1])
    else:
        raise NotImplementedError(f"no LLVM kernel for lowering spec {type(spec).__name__} ({op.opdef})")
    b.ret_void()
    return fn


def _elementwise(
    ctx: Ctx, b: ir.IRBuilder, op: Op, spec: Elementwise, out: ir.Value, ins: list[ir.Value]
) -> None:
    emit = EMITTERS.get(spec.scalar)
    if emit is None:
        raise NotImplementedError(f"no scalar emitter for {spec.scalar!r} (op {op.opdef})")
    rt = op.results[0].type
    strides = [contiguous_strides(rt.shape)]
    strides += [broadcast_strides(v.type.shape, rt.shape) for v in op.operands]
    shape, st = coalesce(rt.shape, strides)
    dts = [v.type.dtype for v in op.operands]
    with nest(b, shape) as idx:
        args = [load(b, p, offset(b, idx, s), dt) for p, s, dt in zip(ins, st[1:], dts, strict=False)]
        r = emit(ctx, b, args, dts, rt.dtype, op.attrs)
        store(b, r, out, offset(b, idx, st[0]), rt.dtype)


def _copy_map(b: ir.IRBuilder, m: ViewMap, src: ir.Value, dst: ir.Value, dt: DType, read: bool) -> None:
    """read: dst[flat] = src[map]; else dst[map] = src[flat]. Raw element copy (bools as bytes)."""
    shape, (flat, strided) = coalesce(m.shape, [contiguous_strides(m.shape), m.strides])
    ty = mem_type(dt)
    with nest(b, shape, "v") as idx:
        fo, mo = offset(b, idx, flat), offset(b, idx, strided, m.offset)
        so, do = (mo, fo) if read else (fo, mo)
        b.store(b.load(gep(b, src, so, ty), typ=ty), gep(b, dst, do, ty))


def _identity(combine: str, ty: ir.Type, dt: DType) -> ir.Constant:
    if combine == "add":
        return const(ty, 0.0 if dt.is_float or ty == F64 else 0)
    if combine == "mul":
        return const(ty, 1.0 if dt.is_float or ty == F64 else 1)
    big = float("inf") if dt.is_float else (1 << (ty.width - 1)) - 1
    if combine == "max":
        return const(ty, -big if dt.is_float else -big - 1)
    return const(ty, big)


def _combine(ctx: Ctx, b: ir.IRBuilder, combine: str, acc: ir.Value, x: ir.Value) -> ir.Value:
    fl = isinstance(acc.type, (ir.FloatType, ir.DoubleType))
    if combine == "add":
        return b.fadd(acc, x, flags=ctx.fm) if fl else b.add(acc, x)
    if combine == "mul":
        return b.fmul(acc, x, flags=ctx.fm) if fl else b.mul(acc, x)
    # np.max/np.min propagate NaN: once acc or x is NaN the result stays NaN
    return np_max(ctx, b, acc, x) if combine == "max" else np_min(ctx, b, acc, x)


def _reduce(ctx: Ctx, b: ir.IRBuilder, op: Op, spec: Reduce, out: ir.Value, x: ir.Value) -> None:
    xt, rt = op.operands[0].type, op.results[0].type
    dt = xt.dtype
    axes = tuple(op.attrs["axes"])
    kept = [k for k in range(xt.rank) if k not in axes]
    count = 1
    for k in axes:
        count *= xt.shape[k]
    in_st = contiguous_strides(xt.shape)
    kept_st = dict(zip(kept, contiguous_strides(tuple(xt.shape[k] for k in kept)), strict=False))
    out_st = tuple(kept_st.get(k, 0) for k in range(xt.rank))
    # NumPy's integer mean accumulates in float64 and truncates the quotient.
    acc_ty = F64 if spec.mean and not dt.is_float else reg_type(dt)
    init = _identity(spec.combine, acc_ty, dt)

    def to_acc(v: ir.Value) -> ir.Value:
        return b.sitofp(v, F64) if acc_ty is F64 and not dt.is_float else v

    def finish(acc: ir.Value) -> ir.Value:
        if spec.mean:
            acc = b.fdiv(acc, const(acc_ty, float(count)), flags=ctx.fm)
            if acc_ty is F64 and not dt.is_float:
                acc = float_to_int(b, acc, reg_type(dt))
        return acc

    if xt.rank and (xt.rank - 1) in axes or acc_ty is not reg_type(dt):
        # Innermost axis reduced: kept dims outside, reduced inside, accumulator in a register.
        kshape, (k_in, k_out) = coalesce([xt.shape[k] for k in kept], [[in_st[k] for k in kept],
                                                                       [out_st[k] for k in kept]])
        rshape, (r_in,) = coalesce([xt.shape[k] for k in axes], [[in_st[k] for k in axes]])
        slot = _entry_alloca(b, acc_ty)
        with nest(b, kshape, "o") as oi:
            b.store(init, slot)
            base = offset(b, oi, k_in)
            with nest(b, rshape, "r") as ri:
                v = to_acc(load(b, x, b.add(base, offset(b, ri, r_in)), dt))
                b.store(_combine(ctx, b, spec.combine, b.load(slot, typ=acc_ty), v), slot)
            store(b, finish(b.load(slot, typ=acc_ty)), out, offset(b, oi, k_out), dt)
        return
    # Otherwise walk the input in memory order, accumulating into the output (vectorises
    # across the kept inner dims), then scale for mean.
    with loop(b, rt.size, "init") as i:
        store(b, init, out, i, dt)
    shape, (s_in, s_out) = coalesce(xt.shape, [in_st, out_st])
    with nest(b, shape) as idx:
        o = offset(b, idx, s_out)
        acc = load(b, out, o, dt)
        store(b, _combine(ctx, b, spec.combine, acc, load(b, x, offset(b, idx, s_in), dt)), out, o, dt)
    if spec.mean:
        with loop(b, rt.size, "mean") as i:
            store(b, finish(load(b, out, i, dt)), out, i, dt)


def _entry_alloca(b: ir.IRBuilder, ty: ir.Type) -> ir.Value:
    """An alloca in the entry block, so mem2reg/SROA turn it into a register."""
    with b.goto_entry_block():
        return b.alloca(ty)


def _matmul(ctx: Ctx, b: ir.IRBuilder, op: Op, c: ir.Value, a: ir.Value, bm: ir.Value) -> None:
    """C = op(A) @ op(B) in i-k-j order: the inner j loop is contiguous in B and C."""
    at, _bt, ct = op.operands[0].type, op.operands[1].type, op.results[0].type
    ta, tb = bool(op.attrs.get("transpose_a", False)), bool(op.attrs.get("transpose_b", False))
    m, n = ct.shape
    k_dim = at.shape[0] if ta else at.shape[1]
    a_st = (1, m) if ta else (k_dim, 1)  # element (i, k) of op(A)
    b_st = (1, k_dim) if tb else (n, 1)  # element (k, j) of op(B)
    dt = ct.dtype
    memset0(ctx, b, c, ct.size * dt.np.itemsize)
    with loop(b, m, "mi") as i, loop(b, k_dim, "mk") as k:
        av = load(b, a, offset(b, [i, k], a_st), dt)
        with loop(b, n, "mj") as j:
            co = offset(b, [i, j], (n, 1))
            bv = load(b, bm, offset(b, [k, j], b_st), dt)
            cv = load(b, c, co, dt)
            if dt.is_float:
                r = b.fadd(cv, b.fmul(av, bv, flags=ctx.fm), flags=ctx.fm)
            elif dt is DType.bool:
                r = b.or_(cv, b.and_(av, bv))
            else:
                r = b.add(cv, b.mul(av, bv))
            store(b, r, c, co, dt)


__all__ = ["emit_kernel", "i64"]
