"""Lowering of each registry spec (Elementwise, Reduce, MatMul, ConstantData, NoCode) to MLIR.

`lower_op` dispatches on the op's `OpDef.lowering` spec, never on the op's name, so a newly
registered op lowers as soon as its spec (and, for Elementwise, its scalar emitter) exists.
View/Assemble live in views.py; Expand composites are expanded before emission (expand.py).
"""

from __future__ import annotations

import numpy as np

from gradc.compiler.ir.core import Op, Value
from gradc.compiler.ir.types import DType
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import Assemble, ConstantData, Elementwise, MatMul, NoCode, Reduce, View

from . import text, views
from .emitter import FuncEmitter, Operand
from .scalars import SCALARS, arith

Env = dict[Value, str]


def lower_op(em: FuncEmitter, env: Env, op: Op) -> None:
    """Emit `op` and bind its results in `env`."""
    spec = registry.get(op.opdef).lowering
    em.at(op.loc, op.name)
    if isinstance(spec, Elementwise):
        env[op.result] = _elementwise(em, env, op, spec.scalar)
    elif isinstance(spec, Reduce):
        env[op.result] = _reduce(em, env, op, spec)
    elif isinstance(spec, MatMul):
        env[op.result] = _matmul(em, env, op)
    elif isinstance(spec, ConstantData):
        env[op.result] = _constant(em, op)
    elif isinstance(spec, View):
        ins = [v.type for v in op.operands]
        outs = [r.type for r in op.results]
        for r, m in zip(op.results, spec.fn(ins, outs, op.attrs), strict=True):
            src = op.operands[m.operand]
            env[r] = views.read(em, env[src], src.type, m, r.type)
    elif isinstance(spec, Assemble):
        maps = spec.fn([v.type for v in op.operands], op.result.type, op.attrs)
        env[op.result] = views.assemble(em, [env[v] for v in op.operands],
                                        [v.type for v in op.operands], maps, op.result.type, spec.zero_fill)
    elif isinstance(spec, NoCode):
        pass
    else:
        raise NotImplementedError(f"MLIR lowering of gradc.{op.opdef} ({type(spec).__name__}) "
                                  "(Expand composites must be expanded first)")


def _elementwise(em: FuncEmitter, env: Env, op: Op, scalar: str) -> str:
    try:
        fn = SCALARS[scalar]
    except KeyError:
        raise NotImplementedError(f"no MLIR scalar emitter for {scalar!r} (gradc.{op.opdef})") from None
    out = op.result.type
    if scalar in ("identity", "stop_gradient") and op.operands[0].type == out:
        return env[op.operands[0]]  # tensors are values: a copy is the same SSA value
    ins = [Operand(env[v], v.type.shape, v.type.dtype, text.broadcast_map(v.type.shape, out.shape))
           for v in op.operands]
    dts = [v.type.dtype for v in op.operands]
    return em.generic(ins, out.shape, out.dtype, lambda b, a: fn(b, a[:-1], dts, out.dtype, op.attrs))


# Identity elements of the reductions; max/min start at -inf/+inf (or the integer extremes).
def _identity(combine: str, dt: DType) -> object:
    if combine == "add":
        return 0
    if combine == "mul":
        return 1
    if dt.is_float:
        return -np.inf if combine == "max" else np.inf
    info = np.iinfo(dt.np)
    return info.min if combine == "max" else info.max


def _reduce(em: FuncEmitter, env: Env, op: Op, spec: Reduce) -> str:
    x = op.operands[0]
    shape, dt = x.type.shape, x.type.dtype
    axes = tuple(op.attrs["axes"])
    kept = tuple(d for k, d in enumerate(shape) if k not in axes)
    init = em.fill(_identity(spec.combine, dt), kept, dt)
    out_map = text.affine_map(len(shape), [f"d{k}" for k in range(len(shape)) if k not in axes])
    its = ["reduction" if k in axes else "parallel" for k in range(len(shape))]
    inp = Operand(env[x], shape, dt, text.identity_map(len(shape)))
    r = em.generic([inp], kept, dt, lambda b, a: arith(b, spec.combine, a[1], a[0], dt),
                   iterators=its, out_map=out_map, init=init)
    if spec.mean:
        n = 1
        for k in axes:
            n *= shape[k]
        # sum / n in the input dtype: NumPy's float mean divides the sum by the count; an int
        # mean truncates toward zero, which divsi does.
        sums = Operand(r, kept, dt, text.identity_map(len(kept)))
        r = em.generic([sums], kept, dt, lambda b, a: arith(b, "div", a[0], b.const(n, dt), dt))
    return em.reshape(r, kept, op.result.type.shape, dt)


def _matmul(em: FuncEmitter, env: Env, op: Op) -> str:
    a, b = op.operands
    sa, sb, dt = a.type.shape, b.type.shape, op.result.type.dtype
    va, vb = env[a], env[b]
    # linalg.matmul_transpose_* is not portable across 19/22/IREE: transpose explicitly.
    if op.attrs.get("transpose_a"):
        va, sa = em.transpose(va, sa, (1, 0), dt), (sa[1], sa[0])
    if op.attrs.get("transpose_b"):
        vb, sb = em.transpose(vb, sb, (1, 0), dt), (sb[1], sb[0])
    out = op.result.type
    acc = em.fill(0, out.shape, dt)
    t = str(out)
    return em.op(f"linalg.matmul ins({va}, {vb} : {text.ttype(sa, dt)}, {text.ttype(sb, dt)}) "
                 f"outs({acc} : {t}) -> {t}")


def _constant(em: FuncEmitter, op: Op) -> str:
    t = op.result.type
    if "value" in op.attrs:
        value = np.asarray(op.attrs["value"])
    else:
        # A shape-only op (shape/rank/size) marked ConstantData: its kernel needs only shapes.
        dummies = [np.zeros(v.type.shape, v.type.dtype.np) for v in op.operands]
        value = np.asarray(registry.get(op.opdef).kernel(dummies, op.attrs)[0])
    return em.op(f"arith.constant {text.dense(value.reshape(t.shape), t.dtype)}")

