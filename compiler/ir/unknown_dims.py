"""Which dims TensorFlow would see as statically unknown (None) in a traced function.

gradc traces with the concrete shapes of a call, but TF's gradient functions choose their ops
(and so the op names users print) from the *static* shapes of the graph: a dim that an
`input_signature` leaves as None makes TF skip its static fast paths (TF_GRADIENTS_SPEC.md §9.4).
This module keeps, per Value, one flag per dim (True = TF would not know it) in the side table
`Function.unknown_dims`, filled only for functions whose input_signature has None dims: values
with all dims known are absent, so a program without None dims never touches it and its IR is
exactly what it was. The table is staging-time information only (autodiff runs while
tracing); the IR text does not carry it and passes may leave it stale.

Propagation follows TF's shape inference for the ops these programs use (elementwise
broadcasting, reductions, matmul, transpose, expand_dims/squeeze, tile, constants); any other
op gets the conservative default: all of its results' dims unknown when any operand has an
unknown dim. Reshape's -1 and rules that build shapes at run time (TF's `Shape` ops) set their
results' flags themselves with `set_unknown`.
"""

from __future__ import annotations

from ..ops import registry
from ..ops.registry import Elementwise
from .core import Function, Op, Value

Flags = tuple[bool, ...]

# Ops whose results have fully known shapes whatever the operands (shape metadata, scalars,
# shapes given as attributes).
_KNOWN_RESULTS = frozenset({"constant", "shape", "rank", "size", "l2_loss", "fill", "broadcast_to"})
# Ops whose single result has the shape of operand 0.
_SAME_AS_FIRST = frozenset({"softmax", "log_softmax"})
_REDUCTIONS = frozenset({"sum", "mean", "max", "min", "prod"})


def unknown(fn: Function, v: Value) -> Flags:
    """One flag per dim of v: True when TF would not know that dim statically."""
    return fn.unknown_dims.get(v) or (False,) * v.type.rank


def fully_known(fn: Function, *vs: Value) -> bool:
    """True when TF would know every dim of every one of `vs`."""
    return not fn.unknown_dims or not any(v in fn.unknown_dims for v in vs)


def set_unknown(fn: Function, v: Value, flags: Flags) -> None:
    """Record v's flags; all-known values are left out of the table (its invariant)."""
    if len(flags) != v.type.rank:
        raise ValueError(f"{len(flags)} unknown-dim flags for a rank-{v.type.rank} value")
    if any(flags):
        fn.unknown_dims[v] = tuple(flags)
    else:
        fn.unknown_dims.pop(v, None)


def copy_unknown(fn: Function, dst: Value, src: Value) -> None:
    """dst gets src's flags (a value TF shapes from `Shape(src)` at run time has src's static shape)."""
    if dst.type.rank == src.type.rank:
        set_unknown(fn, dst, unknown(fn, src))


def static_dims(fn: Function, v: Value) -> tuple[int | None, ...]:
    """v's shape as TF sees it statically: the traced size, or None where unknown."""
    return tuple(None if u else d for d, u in zip(v.type.shape, unknown(fn, v)))


def _broadcast(fn: Function, vs: list[Value], out_rank: int) -> Flags:
    """TF's BroadcastBinaryOpOutputShapeFn, dim by dim, folded over the operands."""
    dims: list[int | None] = [1] * out_rank
    for v in vs:
        sd = static_dims(fn, v)
        padded: list[int | None] = [1] * (out_rank - len(sd)) + list(sd)
        for k, (a, b) in enumerate(zip(dims, padded)):
            if a is not None and b is not None:
                dims[k] = b if a == 1 else a
            elif a is not None and a > 1:
                dims[k] = a
            elif b is not None and b > 1:
                dims[k] = b
            elif a == 1:
                dims[k] = b
            else:  # a unknown, b 0/1/unknown: unknown (TF keeps it unless b is 1)
                dims[k] = None
    return tuple(d is None for d in dims)


def propagate(fn: Function, op: Op) -> None:
    """Set the flags of a new op's results from its operands (only called when the table is not empty)."""
    ins = [unknown(fn, v) for v in op.operands]
    if not any(any(f) for f in ins) or op.opdef in _KNOWN_RESULTS:
        return
    name, attrs = op.opdef, op.attrs

    out = op.results[0]
    if name == "cond_inputs":  # result k passes operand 1 + k % n through one branch's gate
        n = len(op.operands) - 1
        for k, r in enumerate(op.results):
            copy_unknown(fn, r, op.operands[1 + k % n])
    elif name == "add_n":  # TF merges the inputs' shapes: a dim is unknown only if unknown in all
        set_unknown(fn, out, tuple(all(f[k] for f in ins) for k in range(out.type.rank)))
    elif isinstance(registry.get(name).lowering, Elementwise) or name in _SAME_AS_FIRST:
        if name in _SAME_AS_FIRST or len(op.operands) == 1:
            copy_unknown(fn, out, op.operands[0])
        else:
            set_unknown(fn, out, _broadcast(fn, list(op.operands), out.type.rank))
    elif name in _REDUCTIONS:
        axes = attrs["axes"]
        if attrs["keepdims"]:
            set_unknown(fn, out, tuple(u and k not in axes for k, u in enumerate(ins[0])))
        else:
            set_unknown(fn, out, tuple(u for k, u in enumerate(ins[0]) if k not in axes))
    elif name == "matmul":
        a, b = ins
        rows = a[0] if not attrs.get("transpose_a") else a[1]
        cols = b[1] if not attrs.get("transpose_b") else b[0]
        set_unknown(fn, out, (rows, cols))
    elif name == "transpose":
        set_unknown(fn, out, tuple(ins[0][p] for p in attrs["perm"]))
    elif name == "expand_dims":
        flags = list(ins[0])
        flags.insert(attrs["axis"], False)
        set_unknown(fn, out, tuple(flags))
    elif name == "squeeze":
        set_unknown(fn, out, tuple(u for k, u in enumerate(ins[0]) if k not in attrs["axes"]))
    elif name == "tile":  # constant multiples: an unknown dim times m stays unknown
        set_unknown(fn, out, ins[0])
    else:  # the documented default: nothing known about any result
        for r in op.results:
            set_unknown(fn, r, (True,) * r.type.rank)
