"""Every gradient rule, in one table keyed by op name.

A rule gets the builder (already in scope `<scope>/<op>_grad`, located at the forward op),
the forward op, and one incoming gradient per result (missing float ones are zeros); it
returns one gradient (or None) per operand. Rules emit ordinary registry ops, so gradients
are differentiable again; op names follow TensorFlow's gradient functions (math_grad.py,
array_grad.py, nn_grad.py in TF 2.21) because users print them. `unbroadcast` is the one
helper that sums a gradient back over broadcast axes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..ir.builder import Builder
from ..ir.core import Op, Value
from ..ir.types import TensorType
from ..ir.unknown_dims import copy_unknown, fully_known, static_dims

G = Value | None
Rule = Callable[[Builder, Op, list[Value]], list[G]]
RULES: dict[str, Rule] = {}


def rule(*names: str) -> Callable[[Rule], Rule]:
    def deco(fn: Rule) -> Rule:
        for n in names:
            RULES[n] = fn
        return fn

    return deco


# -- helpers ------------------------------------------------------------------------------------


def const(b: Builder, value: float, like: Value, name: str = "Const") -> Value:
    return b.constant(np.asarray(value, like.type.dtype.np), name=name)


def zeros_like(b: Builder, v: Value, name: str = "zeros_like") -> Value:
    return b.constant(np.zeros(v.type.shape, v.type.dtype.np), name=name)


def is_zeros(v: Value) -> bool:
    return v.op is not None and v.op.opdef == "constant" and not np.any(v.op.attrs["value"])


def unbroadcast(b: Builder, g: Value, x: TensorType, out: tuple[int, ...], always: bool = False) -> Value:
    """Sum `g` over the axes along which `x` was broadcast to `out`, then reshape to x's shape.

    As TensorFlow's static BroadcastGradientArgs: the axes come from the operand shapes, not
    from g, and g passes through untouched when x was not broadcast (a wrongly shaped grad_ys
    then fails later, exactly where TF fails).
    """
    lead = len(out) - x.rank
    axes = tuple(k for k in range(len(out)) if k < lead or (x.shape[k - lead] == 1 and out[k] != 1))
    if not axes and lead == 0 and not always:
        return g
    s = b.emit("sum", g, name="Sum", axes=axes, keepdims=True)
    return b.emit("reshape", s, name="Reshape", shape=x.shape)  # TF: to Shape(x), known where x's is


def _same_shapes(b: Builder, *vs: Value) -> bool:
    """TF's `_ShapesFullySpecifiedAndEqual`: equal shapes, none with a statically unknown dim."""
    return len({v.type.shape for v in vs}) == 1 and fully_known(b.fn, *vs)


def _runtime_axes(b: Builder, x: Value, y: Value) -> bool:
    """True when TF's `_InferGradientReductionAxes` gives up, so the axes come from a runtime
    BroadcastGradientArgs: on some aligned axis neither static dim is 1 and one is unknown
    (e.g. both operands [None, 3]; [None, 3] with [3] stays static: the bias axis is known)."""
    if not b.fn.unknown_dims:
        return False
    xd, yd = static_dims(b.fn, x), static_dims(b.fn, y)
    rank = max(len(xd), len(yd))
    xd = (1,) * (rank - len(xd)) + xd
    yd = (1,) * (rank - len(yd)) + yd
    for a, c in zip(xd, yd):
        if (a == 1 and c != 1) or (c == 1 and a != 1):
            continue
        if a is None or c is None:
            return True
    return False


def _reduce_args(b: Builder, x: Value, y: Value, gx: G, gy: G, out: tuple[int, ...]) -> list[G]:
    """TF's `_ReduceGradientArgs` for the gradients gx, gy of a broadcasting op's x and y.

    Static axes (the usual case): only a broadcast operand gets Sum + Reshape. Runtime axes
    (`_runtime_axes`): TF emits Shape, Shape_1, BroadcastGradientArgs and then Sum + Reshape for
    *both* (`Reshape`, `Reshape_1`); gradc knows the traced shapes, so its Sums are over the
    same axes the runtime op would give (possibly none) and only the names are TF's.
    """
    if not _runtime_axes(b, x, y):
        _reserve(b, "Shape", "Shape_1")
        return [None if gx is None else unbroadcast(b, gx, x.type, out),
                None if gy is None else unbroadcast(b, gy, y.type, out)]
    _reserve(b, "Shape", "Shape_1", "BroadcastGradientArgs")
    res: list[G] = []
    for g, v in ((gx, x), (gy, y)):
        if g is None:
            res.append(None)
            continue
        r = unbroadcast(b, g, v.type, out, always=True)
        copy_unknown(b.fn, r, v)  # TF reshapes to Shape(v): v's static shape
        res.append(r)
    return res


def _reserve(b: Builder, *names: str) -> None:
    """Consume names TF's rule gives to ops we don't need (Shape ops on static shapes)."""
    for n in names:
        b.unique_name(n)


# -- binary arithmetic (math_grad.py) ----------------------------------------------------------


@rule("add")
def _add(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    x, y = op.operands
    out = op.result.type.shape
    g = dy[0]
    if _same_shapes(b, x, y, g):
        return [g, g]
    return _reduce_args(b, x, y, g, g, out)


@rule("sub")
def _sub(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    x, y = op.operands
    out = op.result.type.shape
    g = dy[0]
    if _same_shapes(b, x, y, g):
        return [g, b.emit("neg", g, name="Neg")]
    if _runtime_axes(b, x, y):  # TF: Neg first, then the reductions
        return _reduce_args(b, x, y, g, b.emit("neg", g, name="Neg"), out)
    _reserve(b, "Shape", "Shape_1")
    gx = unbroadcast(b, g, x.type, out)
    return [gx, unbroadcast(b, b.emit("neg", g, name="Neg"), y.type, out)]


@rule("mul")
def _mul(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    x, y = op.operands
    out = op.result.type.shape
    g = dy[0]
    if _same_shapes(b, x, y, g) and g.type.dtype.name in ("float32", "int32"):
        return [b.emit("mul", g, y, name="Mul"), b.emit("mul", g, x, name="Mul")]
    if _runtime_axes(b, x, y):
        return _reduce_args(b, x, y, b.emit("mul", g, y, name="Mul"), b.emit("mul", x, g, name="Mul"), out)
    _reserve(b, "Shape", "Shape_1")
    gx = unbroadcast(b, b.emit("mul", g, y, name="Mul"), x.type, out)
    gy = unbroadcast(b, b.emit("mul", x, g, name="Mul"), y.type, out)
    return [gx, gy]


@rule("div")
def _div(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    x, y = op.operands
    out = op.result.type.shape
    g = dy[0]
    if _runtime_axes(b, x, y):
        gx = b.emit("div", g, y, name="RealDiv")
        t = b.emit("div", b.emit("div", b.emit("neg", x, name="Neg"), y, name="RealDiv"), y, name="RealDiv")
        return _reduce_args(b, x, y, gx, b.emit("mul", g, t, name="mul"), out)
    _reserve(b, "Shape", "Shape_1")
    gx = unbroadcast(b, b.emit("div", g, y, name="RealDiv"), x.type, out)
    t = b.emit("div", b.emit("div", b.emit("neg", x, name="Neg"), y, name="RealDiv"), y, name="RealDiv")
    gy = unbroadcast(b, b.emit("mul", g, t, name="mul"), y.type, out)
    return [gx, gy]


@rule("pow")
def _pow(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    x, y = op.operands
    out = op.result.type.shape
    z = op.result
    g = dy[0]
    _reserve(b, "Shape", "Shape_1")
    gy_y = b.emit("mul", g, y, name="mul")
    p = b.emit("pow", x, b.emit("sub", y, const(b, 1, y), name="sub"), name="Pow")
    gx = b.emit("mul", gy_y, p, name="mul")
    runtime = _runtime_axes(b, x, y)  # TF reduces both at the end (names Reshape, Reshape_1)
    if not runtime:
        gx = unbroadcast(b, gx, x.type, out)
    mask = b.emit("greater", x, const(b, 0, x, name="Greater/y"), name="Greater")
    safe_x = b.emit("select", mask, x, b.constant(np.ones(x.type.shape, x.type.dtype.np), name="ones_like"),
                    name="SelectV2")
    log_x = b.emit("select", mask, b.emit("log", safe_x, name="Log"), zeros_like(b, x), name="SelectV2")
    gz = b.emit("mul", b.emit("mul", g, z, name="mul"), log_x, name="mul")
    if runtime:
        return _reduce_args(b, x, y, gx, gz, out)
    return [gx, unbroadcast(b, gz, y.type, out)]


def _max_min(selector: str) -> Rule:
    def fn(b: Builder, op: Op, dy: list[Value]) -> list[G]:
        x, y = op.operands
        out = op.result.type.shape
        g = dy[0]
        zeros = zeros_like(b, g)
        xmask = b.emit(selector, x, y, name="GreaterEqual" if selector == "greater_equal" else "LessEqual")
        if _runtime_axes(b, x, y):
            gx = b.emit("select", xmask, g, zeros, name="SelectV2")
            return _reduce_args(b, x, y, gx, b.emit("select", xmask, zeros, g, name="SelectV2"), out)
        _reserve(b, "Shape", "Shape_1")
        gx = unbroadcast(b, b.emit("select", xmask, g, zeros, name="SelectV2"), x.type, out)
        gy = unbroadcast(b, b.emit("select", xmask, zeros, g, name="SelectV2"), y.type, out)
        return [gx, gy]

    return fn


RULES["maximum"] = _max_min("greater_equal")
RULES["minimum"] = _max_min("less_equal")


@rule("select")
def _select(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    c, x, y = op.operands
    out = op.result.type.shape
    g = dy[0]
    zeros = b.constant(np.zeros((), g.type.dtype.np), name="zeros")
    if b.fn.unknown_dims:  # TF: each branch's gradient is reduced against the output z
        z = op.result
        gx = b.emit("select", c, g, zeros, name="SelectV2")
        gy = b.emit("select", c, zeros, g, name="SelectV2")
        return [None, _reduce_args(b, x, z, gx, None, out)[0], _reduce_args(b, y, z, gy, None, out)[0]]
    gx = unbroadcast(b, b.emit("select", c, g, zeros, name="SelectV2"), x.type, out)
    gy = unbroadcast(b, b.emit("select", c, zeros, g, name="SelectV2"), y.type, out)
    return [None, gx, gy]


# Ops whose rule takes None for results that received no gradient (no zeros are made for them).
NONE_GRADS_OK: frozenset[str] = frozenset({"cond_inputs"})


@rule("cond_inputs")
def _cond_inputs(b: Builder, op: Op, dy: list[G]) -> list[G]:
    """TensorFlow's If gradient (cond_v2._IfGrad), with its branch gradients already computed.

    results[k] fed captured input k (operand k + 1) to the true branch's gate and results[n + k]
    to the false branch's; each gate already replaced the untaken branch's gradient by zeros,
    so their sum is the taken branch's gradient (TF: the If picks it; an input only the
    untaken branch uses gets zeros). As in TF, each input with a gradient gets an Identity,
    `Identity`, `Identity_1`, ... in input order under `<scope>/<cond>_grad/`; inputs without
    one (non-float, or cut by stop_gradient in both branches) get None and no name. The
    predicate (operand 0) gets None.
    """
    n = len(op.operands) - 1  # operand 0 is the predicate
    _reserve(b, "StatelessIf")  # TF's gradient If op: gradc's branch gradients are already staged
    sums: list[G] = []
    for gt, gf in zip(dy[:n], dy[n:]):
        if gt is None or gf is None:
            sums.append(gf if gt is None else gt)
        else:
            sums.append(b.emit("add", gt, gf, name="add"))
    return [None] + [None if g is None else b.emit("identity", g, name="Identity") for g in sums]


@rule("add_n")
def _add_n(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    return [dy[0]] * len(op.operands)


# -- unary math --------------------------------------------------------------------------------


def _unary(fn: Callable[[Builder, Value, Value, Value], Value]) -> Rule:
    return lambda b, op, dy: [fn(b, op.operands[0], op.result, dy[0])]


RULES["neg"] = _unary(lambda b, x, y, g: b.emit("neg", g, name="Neg"))
RULES["abs"] = _unary(lambda b, x, y, g: b.emit("mul", g, b.emit("sign", x, name="Sign"), name="mul"))
RULES["sign"] = _unary(lambda b, x, y, g: zeros_like(b, x))
RULES["exp"] = _unary(lambda b, x, y, g: b.emit("mul", g, y, name="mul"))
RULES["log"] = _unary(lambda b, x, y, g: b.emit("mul", g, b.emit("reciprocal", x, name="Reciprocal"), name="mul"))
RULES["log1p"] = _unary(
    lambda b, x, y, g: b.emit(
        "mul", g, b.emit("reciprocal", b.emit("add", const(b, 1, x, name="add/x"), x, name="add"),
                         name="Reciprocal"), name="mul"))
RULES["sin"] = _unary(lambda b, x, y, g: b.emit("mul", g, b.emit("cos", x, name="Cos"), name="mul"))
RULES["cos"] = _unary(
    lambda b, x, y, g: b.emit("mul", b.emit("neg", g, name="Neg"), b.emit("sin", x, name="Sin"), name="mul"))
RULES["square"] = _unary(
    lambda b, x, y, g: b.emit("mul", g, b.emit("mul", x, const(b, 2, x), name="Mul"), name="Mul"))
RULES["sqrt"] = _unary(lambda b, x, y, g: b.emit("sqrt_grad", y, g, name="SqrtGrad"))
RULES["rsqrt"] = _unary(lambda b, x, y, g: b.emit("rsqrt_grad", y, g, name="RsqrtGrad"))
RULES["reciprocal"] = _unary(lambda b, x, y, g: b.emit("reciprocal_grad", y, g, name="ReciprocalGrad"))
RULES["tanh"] = _unary(lambda b, x, y, g: b.emit("tanh_grad", y, g, name="TanhGrad"))
RULES["sigmoid"] = _unary(lambda b, x, y, g: b.emit("sigmoid_grad", y, g, name="SigmoidGrad"))
RULES["relu"] = _unary(lambda b, x, y, g: b.emit("relu_grad", g, y, name="ReluGrad"))
RULES["identity"] = _unary(lambda b, x, y, g: g)


@rule("cast")
def _cast(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    src = op.operands[0].type.dtype
    g = dy[0]
    if not (src.is_float and g.type.dtype.is_float):
        return [None]
    return [g if g.type.dtype == src else b.emit("cast", g, name="Cast", dtype=src)]


# -- second-order kernels (operands: forward output a, incoming gradient b) ----------------------


@rule("sqrt_grad")
def _sqrt_grad(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    a, y = op.operands[0], op.result
    ga = b.emit("div", dy[0], a, name="truediv")
    return [b.emit("mul", b.emit("neg", ga, name="Neg"), y, name="mul"),
            b.emit("mul", const(b, 0.5, ga, name="mul_1/x"), ga, name="mul_1")]


@rule("rsqrt_grad")
def _rsqrt_grad(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    a, bb = op.operands
    g = dy[0]
    t = b.emit("mul", b.emit("mul", const(b, -1.5, g, name="mul/x"), g, name="mul"), bb, name="mul_1")
    grad_a = b.emit("mul", t, b.emit("square", a, name="Square"), name="mul_2")
    return [grad_a, b.emit("rsqrt_grad", a, g, name="RsqrtGrad")]


def _minus2_grad(kernel: str, tf_type: str) -> Rule:
    """ReciprocalGrad and TanhGrad share TF's second-order rule: (-2 g b a, kernel(a, g))."""

    def fn(b: Builder, op: Op, dy: list[Value]) -> list[G]:
        a, bb = op.operands
        g = dy[0]
        t = b.emit("mul", b.emit("mul", g, const(b, -2.0, g, name="mul/y"), name="mul"), bb, name="mul_1")
        return [b.emit("mul", t, a, name="mul_2"), b.emit(kernel, a, g, name=tf_type)]

    return fn


RULES["reciprocal_grad"] = _minus2_grad("reciprocal_grad", "ReciprocalGrad")
RULES["tanh_grad"] = _minus2_grad("tanh_grad", "TanhGrad")


@rule("sigmoid_grad")
def _sigmoid_grad(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    a, bb = op.operands
    g = dy[0]
    gb = b.emit("mul", g, bb, name="mul")
    t = b.emit("mul", b.emit("mul", const(b, 2.0, g, name="mul_1/x"), gb, name="mul_1"), a, name="mul_2")
    return [b.emit("sub", gb, t, name="sub"), b.emit("sigmoid_grad", a, g, name="SigmoidGrad")]


@rule("relu_grad")
def _relu_grad(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    x = op.operands[1]
    return [b.emit("relu_grad", dy[0], x, name="ReluGrad"), zeros_like(b, x)]


# -- creation and reductions -------------------------------------------------------------------


@rule("fill")
def _fill(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    return [b.emit("sum", dy[0], name="Sum", axes=None, keepdims=False)]


def _sum_grad(b: Builder, op: Op, g: Value) -> Value:
    """TF's _SumGrad: Reshape to the kept dims + Tile, or BroadcastTo when TF lacks static dims."""
    x = op.operands[0]
    axes = op.attrs["axes"]
    kept = tuple(1 if k in axes else d for k, d in enumerate(x.type.shape))
    dynamic = not fully_known(b.fn, x)
    if dynamic and tuple(axes) != tuple(range(x.type.rank)):
        # Some axes, unknown dims: TF's general path, BroadcastTo(grad, Shape(x)) after reshaping
        # to `reduced_shape` (Size/add/mod/range/ones/DynamicStitch) unless keepdims.
        _reserve(b, "Shape")
        r = g
        if not op.attrs["keepdims"]:
            _reserve(b, "Size", "add", "mod", "Shape_1", "range", "ones", "DynamicStitch")
            r = b.emit("reshape", g, name="Reshape", shape=kept)
        out = b.emit("broadcast_to", r, name="BroadcastTo", shape=x.type.shape)
        copy_unknown(b.fn, out, x)
        return out
    r = b.emit("reshape", g, name="Reshape", shape=kept)
    if dynamic:  # all axes, unknown dims: TF tiles by a runtime Shape(x)
        _reserve(b, "Shape")
    multiples = tuple(d // k if k else 1 for d, k in zip(x.type.shape, kept))
    out = b.emit("tile", r, name="Tile", multiples=multiples)
    if dynamic:
        copy_unknown(b.fn, out, x)
    return out


RULES["sum"] = lambda b, op, dy: [_sum_grad(b, op, dy[0])]


@rule("mean")
def _mean(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    s = _sum_grad(b, op, dy[0])
    factor = max(op.operands[0].type.size // max(op.result.type.size, 1), 1)
    if not fully_known(b.fn, op.operands[0], op.result):
        # TF computes the factor at run time: Cast(Prod(Gather(Shape(x), axes))); gradc knows it.
        _reserve(b, "Shape", "Size", "add", "mod", "GatherV2", "Prod")
        return [b.emit("div", s, const(b, factor, s, name="Cast"), name="truediv")]
    return [b.emit("div", s, const(b, factor, s), name="truediv")]


def _min_max(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    x = op.operands[0]
    axes = op.attrs["axes"]
    kept = tuple(1 if k in axes else d for k, d in enumerate(x.type.shape))
    y, g = op.result, dy[0]
    if not op.attrs["keepdims"]:
        y = b.emit("reshape", y, name="Reshape", shape=kept)
        g = b.emit("reshape", g, name="Reshape", shape=kept)
    ind = b.emit("cast", b.emit("equal", y, x, name="Equal"), name="Cast", dtype=g.type.dtype)
    num = b.emit("reshape", b.emit("sum", ind, name="Sum", axes=axes, keepdims=False), name="Reshape",
                 shape=kept)
    return [b.emit("mul", b.emit("div", ind, num, name="truediv"), g, name="mul")]


RULES["max"] = _min_max
RULES["min"] = _min_max


@rule("prod")
def _prod(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    """Products of all other elements from exclusive prefix/suffix products (exact with zeros)."""
    x = op.operands[0]
    shape = x.type.shape
    axes = op.attrs["axes"]
    kept = tuple(1 if k in axes else d for k, d in enumerate(shape))
    g = b.emit("reshape", dy[0], name="Reshape", shape=kept)
    other = tuple(k for k in range(len(shape)) if k not in axes)
    perm = tuple(axes) + other
    n_red = int(np.prod([shape[k] for k in axes], dtype=np.int64))
    n_oth = int(np.prod([shape[k] for k in other], dtype=np.int64))
    xt = b.emit("transpose", x, name="transpose", perm=perm)
    rows = b.emit("reshape", xt, name="Reshape", shape=(n_red, n_oth))
    ones = b.constant(np.ones((1, n_oth), x.type.dtype.np), name="ones")
    parts = [b.emit("slice", rows, name="Slice", begin=(k, 0), size=(1, n_oth)) for k in range(n_red)]
    left, acc = [ones], ones
    for k in range(n_red - 1):
        acc = b.emit("mul", acc, parts[k], name="mul")
        left.append(acc)
    right, acc = [ones], ones
    for k in range(n_red - 1, 0, -1):
        acc = b.emit("mul", acc, parts[k], name="mul")
        right.append(acc)
    right.reverse()
    lr = [b.emit("mul", lv, rv, name="mul") for lv, rv in zip(left, right)]
    y = lr[0] if len(lr) == 1 else b.emit("concat", *lr, name="concat", axis=0)
    y = b.emit("reshape", y, name="Reshape", shape=tuple(shape[k] for k in perm))
    inv = tuple(int(i) for i in np.argsort(perm))
    y = b.emit("transpose", y, name="transpose", perm=inv)
    gb = b.emit("tile", g, name="Tile", multiples=tuple(d // k if k else 1 for d, k in zip(shape, kept)))
    return [b.emit("reshape", b.emit("mul", gb, y, name="mul"), name="Reshape", shape=shape)]


# -- layout (array_grad.py) --------------------------------------------------------------------


def _reshape_back(name: str) -> Rule:
    def fn(b: Builder, op: Op, dy: list[Value]) -> list[G]:
        r = b.emit("reshape", dy[0], name=name, shape=op.operands[0].type.shape)
        if b.fn.unknown_dims:  # TF reshapes to Shape(x) at run time: x's static shape
            copy_unknown(b.fn, r, op.operands[0])
        return [r]

    return fn


RULES["reshape"] = _reshape_back("Reshape")
RULES["expand_dims"] = _reshape_back("Reshape")
RULES["squeeze"] = _reshape_back("Reshape")


@rule("transpose")
def _transpose(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    inv = tuple(int(i) for i in np.argsort(op.attrs["perm"]))
    return [b.emit("transpose", dy[0], name="transpose", perm=inv)]


@rule("broadcast_to")
def _broadcast_to(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    return [unbroadcast(b, dy[0], op.operands[0].type, op.result.type.shape, always=True)]


@rule("tile")
def _tile(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    shape = op.operands[0].type.shape
    split = tuple(v for m, d in zip(op.attrs["multiples"], shape) for v in (m, d))
    r = b.emit("reshape", dy[0], name="Reshape", shape=split)
    return [b.emit("sum", r, name="Sum", axes=tuple(range(0, len(split), 2)), keepdims=False)]


@rule("concat")
def _concat(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    axis = op.attrs["axis"]
    out, offset = [], 0
    for x in op.operands:
        begin = tuple(offset if k == axis else 0 for k in range(x.type.rank))
        out.append(b.emit("slice", dy[0], name="Slice", begin=begin, size=x.type.shape))
        offset += x.type.shape[axis]
    return out


@rule("pack")
def _pack(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    n = len(op.operands)
    return list(b.create("unpack", [dy[0]], {"axis": op.attrs["axis"], "num": n}, name="unstack").results)


@rule("unpack")
def _unpack(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    return [b.emit("pack", *dy, name="stack", axis=op.attrs["axis"])]


@rule("slice")
def _slice(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    x = op.operands[0]
    rank = x.type.rank
    begin = tuple(op.attrs["begin"])
    end = tuple(s + z for s, z in zip(begin, op.result.type.shape))
    attrs = {"begin": begin, "end": end, "strides": (1,) * rank, "shrink_axes": (), "new_axes": (),
             "shape": x.type.shape}
    return [b.create("strided_slice_grad", [dy[0]], attrs, name="Pad").result]


@rule("strided_slice")
def _strided_slice(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    attrs = dict(op.attrs, shape=op.operands[0].type.shape)
    return [b.create("strided_slice_grad", [dy[0]], attrs, name="StridedSliceGrad").result]


@rule("strided_slice_grad")
def _strided_slice_grad(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    attrs = {k: v for k, v in op.attrs.items() if k != "shape"}
    return [b.create("strided_slice", [dy[0]], attrs, name="StridedSlice").result]


# -- linear algebra and nn (math_grad.py, nn_grad.py) ------------------------------------------


@rule("matmul")
def _matmul(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    a, bm = op.operands
    g = dy[0]
    ta, tb = bool(op.attrs.get("transpose_a")), bool(op.attrs.get("transpose_b"))

    def mm(p: Value, q: Value, tp: bool, tq: bool) -> Value:
        return b.emit("matmul", p, q, name="MatMul", transpose_a=tp, transpose_b=tq)

    if not ta and not tb:
        return [mm(g, bm, False, True), mm(a, g, True, False)]
    if not ta and tb:
        return [mm(g, bm, False, False), mm(g, a, True, False)]
    if ta and not tb:
        return [mm(bm, g, False, True), mm(a, g, False, False)]
    return [mm(bm, g, True, True), mm(g, a, True, True)]


@rule("batch_matmul")
def _batch_matmul(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    x, y = op.operands
    g = dy[0]
    ax, ay = op.attrs["adj_x"], op.attrs["adj_y"]

    def mm(p: Value, q: Value, tp: bool, tq: bool) -> Value:
        kind = "batch_matmul" if max(p.type.rank, q.type.rank) > 2 else "matmul"
        attrs = {"adj_x": tp, "adj_y": tq} if kind == "batch_matmul" else {"transpose_a": tp, "transpose_b": tq}
        return b.create(kind, [p, q], attrs, name="MatMul").result

    if not ax and not ay:
        gx, gy = mm(g, y, False, True), mm(x, g, True, False)
    elif not ax and ay:
        gx, gy = mm(g, y, False, False), mm(g, x, True, False)
    elif ax and not ay:
        gx, gy = mm(y, g, False, True), mm(x, g, False, False)
    else:
        gx, gy = mm(y, g, True, True), mm(g, x, True, True)
    if x.type.shape[:-2] == y.type.shape[:-2]:
        return [gx, gy]
    out = op.result.type.shape
    return [_unbroadcast_batch(b, gx, x.type, out), _unbroadcast_batch(b, gy, y.type, out)]


def _unbroadcast_batch(b: Builder, g: Value, x: TensorType, out: tuple[int, ...]) -> Value:
    """Sum a batched-matmul gradient over the batch dims along which x was broadcast."""
    batch, xb = out[:-2], x.shape[:-2]
    lead = len(batch) - len(xb)
    axes = tuple(k for k in range(len(batch)) if k < lead or (xb[k - lead] == 1 and batch[k] != 1))
    s = b.emit("sum", g, name="Sum", axes=axes, keepdims=False)
    return b.emit("reshape", s, name="Reshape", shape=x.shape)


@rule("softmax")
def _softmax(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    s, g = op.result, dy[0]
    axis = s.type.rank - 1
    sc = b.emit("sum", b.emit("mul", g, s, name="mul"), name="Sum", axes=axis, keepdims=True)
    return [b.emit("mul", b.emit("sub", g, sc, name="sub"), s, name="mul")]


@rule("log_softmax")
def _log_softmax(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    g = dy[0]
    sm = b.emit("exp", op.result, name="Exp")
    sg = b.emit("sum", g, name="Sum", axes=g.type.rank - 1, keepdims=True)
    return [b.emit("sub", g, b.emit("mul", sg, sm, name="mul"), name="sub")]


@rule("l2_loss")
def _l2_loss(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    return [b.emit("mul", op.operands[0], dy[0], name="mul")]


@rule("softmax_xent")
def _softmax_xent(b: Builder, op: Op, dy: list[Value]) -> list[G]:
    logits = op.operands[0]
    g_loss, g_grad = dy
    backprop = op.results[1]

    def bmul(vec: Value, mat: Value) -> Value:
        return b.emit("mul", b.emit("expand_dims", vec, name="ExpandDims", axis=-1), mat, name="mul")

    grad = bmul(g_loss, backprop)
    if g_grad is not None and not is_zeros(g_grad):
        sm = b.emit("softmax", logits, name="Softmax")
        inner = b.emit("sum", b.emit("mul", g_grad, sm, name="mul"), name="Sum", axes=1, keepdims=True)
        term = b.emit("mul", b.emit("sub", g_grad, inner, name="sub"), sm, name="mul")
        grad = b.emit("add", grad, term, name="add")
    neg_ls = b.emit("neg", b.emit("log_softmax", logits, name="LogSoftmax"), name="Neg")
    return [grad, bmul(g_loss, neg_ls)]
