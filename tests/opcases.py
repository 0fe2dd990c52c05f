"""Sample inputs per registry op: hypothesis strategies for gradient-rule tests.

`CASES[op](draw)` draws one `Case` for a differentiable op: operand values (float64 unless the
op needs another dtype, e.g. select's bool condition or a float32 cast source), attrs as the
public surface would stage them, all inside the op's smooth domain so that central finite
differences are valid: positive bases for log/sqrt/rsqrt/pow, |x| > 0.1 around the kinks of
abs/relu/sign, gaps > 0.1 between the operands of maximum/minimum, distinct well-separated
values for max/min reductions, nonzero incoming gradients for the fused *_grad kernels
(they mask dy == 0). `case_strategy(op)` wraps a drawer as a hypothesis strategy.

Every differentiable op of the registry must have an entry (tests/test_autodiff_rules.py
checks it), so a new op cannot skip the gradient tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradc.api.slicing import slice_attrs

Draw = Callable[[st.SearchStrategy[Any]], Any]


@dataclass
class Case:
    """One sample: the op, its operand arrays, its attrs (as staged, before inference)."""

    op: str
    inputs: list[np.ndarray]
    attrs: dict[str, Any] = field(default_factory=dict)
    # Relative central-difference step; linear ops on dyadic data may use a big exact step.
    fd_step: float = 1e-6
    desc: str = ""

    def __post_init__(self) -> None:
        self.inputs = [np.array(a) for a in self.inputs]  # 0-d arithmetic yields NumPy scalars

    def __repr__(self) -> str:
        shapes = [f"{a.dtype.name}{list(a.shape)}" for a in self.inputs]
        vals = [np.array2string(a, precision=17, separator=",") for a in self.inputs]
        return f"Case({self.op}, {shapes}, attrs={self.attrs}, inputs={vals} {self.desc})"


# -- value helpers ------------------------------------------------------------------------------


def floats(draw: Draw, shape: tuple[int, ...], lo: float = -2.0, hi: float = 2.0) -> np.ndarray:
    """float64 values uniformly in [lo, hi] (hypothesis-drawn, so failures shrink)."""
    elems = st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)
    return np.asarray(draw(hnp.arrays(np.float64, shape, elements=elems)), dtype=np.float64)


def away_from_zero(draw: Draw, shape: tuple[int, ...], lo: float = 0.1, hi: float = 2.0) -> np.ndarray:
    """|x| in [lo, hi] with random signs (kinks at 0 stay out of the finite-difference stencil)."""
    mag = floats(draw, shape, lo, hi)
    signs = draw(hnp.arrays(np.bool_, shape))
    return np.where(np.asarray(signs, dtype=bool), mag, -mag)


def positive(draw: Draw, shape: tuple[int, ...], lo: float = 0.3, hi: float = 3.0) -> np.ndarray:
    return floats(draw, shape, lo, hi)


def distinct(draw: Draw, shape: tuple[int, ...]) -> np.ndarray:
    """Pairwise distinct values at least 0.3 apart (a shuffled grid plus jitter < 0.1)."""
    n = int(np.prod(shape, dtype=np.int64))
    perm = draw(st.permutations(list(range(n))))
    jitter = floats(draw, (n,), 0.0, 0.1)
    grid = np.asarray(perm, dtype=np.float64) * 0.4 - 0.2 * n
    return (grid + jitter).reshape(shape)


def shape_of(draw: Draw, min_rank: int = 0, max_rank: int = 3, min_side: int = 1, max_side: int = 3) -> tuple[int, ...]:
    return tuple(draw(hnp.array_shapes(min_dims=min_rank, max_dims=max_rank, min_side=min_side,
                                       max_side=max_side)))


# Broadcasting pairs, both directions, rank-0, outer (3,1)x(1,4), same shapes.
BROADCAST_PAIRS: list[tuple[tuple[int, ...], tuple[int, ...]]] = [
    ((2, 3), (3,)),
    ((3,), (2, 3)),
    ((3, 1), (1, 4)),
    ((), (2, 2)),
    ((2, 2), ()),
    ((2, 3), (2, 3)),
    ((2, 1, 3), (4, 1)),
    ((1,), (3,)),
]


def broadcast_pair(draw: Draw) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return draw(st.sampled_from(BROADCAST_PAIRS))


# -- per-op drawers -----------------------------------------------------------------------------

Drawer = Callable[[Draw], Case]
CASES: dict[str, Drawer] = {}


def case(*names: str) -> Callable[[Callable[[Draw, str], Case]], Callable[[Draw, str], Case]]:
    def deco(fn: Callable[[Draw, str], Case]) -> Callable[[Draw, str], Case]:
        for n in names:
            CASES[n] = lambda draw, _n=n: fn(draw, _n)  # type: ignore[misc]
        return fn

    return deco


@case("add", "sub", "mul")
def _arith(draw: Draw, op: str) -> Case:
    sx, sy = broadcast_pair(draw)
    return Case(op, [floats(draw, sx), floats(draw, sy)])


@case("div")
def _div(draw: Draw, op: str) -> Case:
    sx, sy = broadcast_pair(draw)
    return Case(op, [floats(draw, sx), away_from_zero(draw, sy, 0.5, 2.0)])


@case("pow")
def _pow(draw: Draw, op: str) -> Case:
    sx, sy = broadcast_pair(draw)
    return Case(op, [positive(draw, sx, 0.5, 2.0), floats(draw, sy, -2.0, 2.0)])


@case("maximum", "minimum")
def _maxmin(draw: Draw, op: str) -> Case:
    # x on half-integers, y on integers: |x - y| >= 0.5 everywhere after broadcasting.
    sx, sy = broadcast_pair(draw)
    x = np.asarray(draw(hnp.arrays(np.int64, sx, elements=st.integers(-3, 2))), np.float64) + 0.5
    y = np.asarray(draw(hnp.arrays(np.int64, sy, elements=st.integers(-3, 3))), np.float64)
    jx, jy = floats(draw, sx, -0.1, 0.1), floats(draw, sy, -0.1, 0.1)
    return Case(op, [x + jx, y + jy])


@case("select")
def _select(draw: Draw, op: str) -> Case:
    sx, sy = broadcast_pair(draw)
    sc = draw(st.sampled_from([(), sx, sy, np.broadcast_shapes(sx, sy)]))
    cond = np.asarray(draw(hnp.arrays(np.bool_, sc)), dtype=bool)
    return Case(op, [cond, floats(draw, sx), floats(draw, sy)])


@case("add_n")
def _add_n(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 0, 2)
    n = draw(st.integers(1, 4))
    return Case(op, [floats(draw, shape) for _ in range(n)])


@case("cond_inputs")
def _cond_inputs(draw: Draw, op: str) -> Case:
    """A tf.cond's predicate and captured inputs: any number of tensors of independent shapes."""
    n = draw(st.integers(1, 3))
    pred = np.asarray(draw(st.booleans()))
    return Case(op, [pred] + [floats(draw, shape_of(draw, 0, 2)) for _ in range(n)])


@case("neg", "square", "exp", "sin", "cos", "tanh", "sigmoid", "identity")
def _smooth_unary(draw: Draw, op: str) -> Case:
    return Case(op, [floats(draw, shape_of(draw))])


@case("abs", "sign", "relu")
def _kinked_unary(draw: Draw, op: str) -> Case:
    return Case(op, [away_from_zero(draw, shape_of(draw))])


@case("sqrt", "rsqrt", "log")
def _positive_unary(draw: Draw, op: str) -> Case:
    return Case(op, [positive(draw, shape_of(draw))])


@case("reciprocal")
def _reciprocal(draw: Draw, op: str) -> Case:
    return Case(op, [away_from_zero(draw, shape_of(draw), 0.3, 3.0)])


@case("log1p")
def _log1p(draw: Draw, op: str) -> Case:
    return Case(op, [floats(draw, shape_of(draw), -0.6, 3.0)])


# Fused gradient kernels: (forward output y, incoming gradient dy); dy != 0 (they mask dy == 0).
@case("sqrt_grad", "rsqrt_grad")
def _pos_grad_kernel(draw: Draw, op: str) -> Case:
    shape = shape_of(draw)
    return Case(op, [positive(draw, shape, 0.3, 2.0), away_from_zero(draw, shape)])


@case("reciprocal_grad")
def _recip_grad_kernel(draw: Draw, op: str) -> Case:
    shape = shape_of(draw)
    return Case(op, [away_from_zero(draw, shape, 0.3, 2.0), away_from_zero(draw, shape)])


@case("tanh_grad")
def _tanh_grad_kernel(draw: Draw, op: str) -> Case:
    shape = shape_of(draw)
    return Case(op, [floats(draw, shape, -0.95, 0.95), away_from_zero(draw, shape)])


@case("sigmoid_grad")
def _sigmoid_grad_kernel(draw: Draw, op: str) -> Case:
    shape = shape_of(draw)
    return Case(op, [floats(draw, shape, 0.05, 0.95), away_from_zero(draw, shape)])


@case("relu_grad")
def _relu_grad_kernel(draw: Draw, op: str) -> Case:
    # (gradients, features): features away from the kink at 0.
    shape = shape_of(draw)
    return Case(op, [floats(draw, shape), away_from_zero(draw, shape)])


@case("cast")
def _cast(draw: Draw, op: str) -> Case:
    # float32 <-> float64 on dyadic values: every step of the difference quotient is exact
    # in float32, so a large step (0.25) gives the exact derivative of this linear op.
    shape = shape_of(draw)
    src = draw(st.sampled_from([np.float32, np.float64]))
    dst = np.float64 if src is np.float32 else np.float32
    from gradc.compiler.ir.types import DType

    ints = np.asarray(draw(hnp.arrays(np.int64, shape, elements=st.integers(-64, 64))))
    x = (ints / 16.0).astype(src)
    return Case(op, [x], {"dtype": DType.from_np(dst)}, fd_step=0.25, desc=f"{np.dtype(src).name}->"
                f"{np.dtype(dst).name}")


@case("fill")
def _fill(draw: Draw, op: str) -> Case:
    return Case(op, [floats(draw, ())], {"dims": shape_of(draw, 0, 3)})


# -- reductions ---------------------------------------------------------------------------------


def _axes(draw: Draw, rank: int) -> Any:
    """An axis spec as a user writes it: None, an int (maybe negative) or a list."""
    if rank == 0:
        return draw(st.sampled_from([None, []]))
    kind = draw(st.sampled_from(["none", "int", "list"]))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-rank, rank - 1))
    subset = draw(st.lists(st.integers(0, rank - 1), unique=True, max_size=rank))
    return [a - rank if draw(st.booleans()) else a for a in subset]


@case("sum", "mean", "prod")
def _reduce(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 0, 3)
    x = away_from_zero(draw, shape, 0.5, 1.5) if op == "prod" else floats(draw, shape)
    return Case(op, [x], {"axes": _axes(draw, len(shape)), "keepdims": draw(st.booleans())})


@case("max", "min")
def _reduce_extreme(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 0, 3)
    return Case(op, [distinct(draw, shape)], {"axes": _axes(draw, len(shape)), "keepdims": draw(st.booleans())})


# -- linear algebra and nn ----------------------------------------------------------------------


@case("matmul")
def _matmul(draw: Draw, op: str) -> Case:
    m, k, n = (draw(st.integers(1, 4)) for _ in range(3))
    ta, tb = draw(st.booleans()), draw(st.booleans())
    a = floats(draw, (k, m) if ta else (m, k))
    b = floats(draw, (n, k) if tb else (k, n))
    return Case(op, [a, b], {"transpose_a": ta, "transpose_b": tb})


@case("batch_matmul")
def _batch_matmul(draw: Draw, op: str) -> Case:
    m, k, n = (draw(st.integers(1, 3)) for _ in range(3))
    ax, ay = draw(st.booleans()), draw(st.booleans())
    # Batch dims broadcast in both directions: (2, 1) against (3,) or a plain matrix.
    bx, by = draw(st.sampled_from([((2,), (2,)), ((2, 1), (3,)), ((), (2,)), ((1,), (2,))]))
    a = floats(draw, (*bx, k, m) if ax else (*bx, m, k))
    b = floats(draw, (*by, n, k) if ay else (*by, k, n))
    return Case(op, [a, b], {"adj_x": ax, "adj_y": ay})


@case("softmax", "log_softmax")
def _softmax(draw: Draw, op: str) -> Case:
    return Case(op, [floats(draw, shape_of(draw, 1, 3), -3.0, 3.0)])


@case("l2_loss")
def _l2(draw: Draw, op: str) -> Case:
    return Case(op, [floats(draw, shape_of(draw, 0, 3))])


@case("softmax_xent")
def _xent(draw: Draw, op: str) -> Case:
    b, c = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    logits = floats(draw, (b, c), -3.0, 3.0)
    # Rows of labels are probability distributions: TF's kernel (and gradc's) returns
    # backprop = softmax - labels, the logits derivative of the loss only when rows sum to 1.
    raw = floats(draw, (b, c), 0.05, 1.0)
    return Case(op, [logits, raw / raw.sum(axis=1, keepdims=True)])


# -- layout -------------------------------------------------------------------------------------


@case("reshape")
def _reshape(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 0, 3)
    n = int(np.prod(shape, dtype=np.int64))
    factors = [d for d in range(1, n + 1) if n % d == 0]
    f = draw(st.sampled_from(factors))
    target = draw(st.sampled_from([[f, n // f], [f, -1], [-1], [n // f, 1, f]]))
    return Case(op, [floats(draw, shape)], {"shape": target})


@case("transpose")
def _transpose(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 0, 3)
    perm = draw(st.one_of(st.none(), st.permutations(list(range(len(shape))))))
    if perm is not None and perm and draw(st.booleans()):
        perm = [p - len(shape) for p in perm]  # negative entries are accepted too
    return Case(op, [floats(draw, shape)], {"perm": perm})


@case("expand_dims")
def _expand_dims(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 0, 3)
    r = len(shape)
    return Case(op, [floats(draw, shape)], {"axis": draw(st.integers(-r - 1, r))})


@case("squeeze")
def _squeeze(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 1, 4, 1, 3)
    ones = [k for k, d in enumerate(shape) if d == 1]
    if not ones:
        k = draw(st.integers(0, len(shape) - 1))
        shape = shape[:k] + (1,) + shape[k:]
        ones = [k]
    axes = draw(st.one_of(st.none(), st.lists(st.sampled_from(ones), unique=True, min_size=1),
                          st.sampled_from(ones)))
    return Case(op, [floats(draw, shape)], {"axes": axes})


@case("broadcast_to")
def _broadcast_to(draw: Draw, op: str) -> Case:
    dst = shape_of(draw, 1, 3, 1, 3)
    keep = draw(st.integers(0, len(dst)))
    src = tuple(1 if draw(st.booleans()) else d for d in dst[len(dst) - keep:])
    return Case(op, [floats(draw, src)], {"shape": list(dst)})


@case("tile")
def _tile(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 1, 3)
    mult = [draw(st.integers(1, 3)) for _ in shape]
    return Case(op, [floats(draw, shape)], {"multiples": mult})


@case("slice")
def _slice(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 1, 3, 1, 4)
    begin = [draw(st.integers(0, d - 1)) for d in shape]
    size = [draw(st.sampled_from([-1, draw(st.integers(1, d - b))])) for d, b in zip(shape, begin)]
    return Case(op, [floats(draw, shape)], {"begin": begin, "size": size})


@case("concat")
def _concat(draw: Draw, op: str) -> Case:
    base = shape_of(draw, 1, 3)
    r = len(base)
    axis = draw(st.integers(-r, r - 1))
    n = draw(st.integers(1, 3))
    inputs = []
    for _ in range(n):
        s = list(base)
        s[axis] = draw(st.integers(1, 3))
        inputs.append(floats(draw, tuple(s)))
    return Case(op, inputs, {"axis": axis})


@case("pack")
def _pack(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 0, 2)
    r = len(shape) + 1
    n = draw(st.integers(1, 3))
    return Case(op, [floats(draw, shape) for _ in range(n)], {"axis": draw(st.integers(-r, r - 1))})


@case("unpack")
def _unpack(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 1, 3)
    r = len(shape)
    axis = draw(st.integers(-r, r - 1))
    attrs: dict[str, Any] = {"axis": axis}
    if draw(st.booleans()):
        attrs["num"] = shape[axis]
    return Case(op, [floats(draw, shape)], attrs)


def slice_key(draw: Draw, shape: tuple[int, ...]) -> tuple[Any, ...]:
    """A non-empty Python index key: ints, slices with steps in {-2,-1,1,2}, None, an Ellipsis."""
    key: list[Any] = []
    for d in shape[: draw(st.integers(0, len(shape)))]:
        kind = draw(st.sampled_from(["int", "slice", "slice", "neg"]))
        if kind == "int":
            i = draw(st.integers(0, d - 1))
            key.append(i - d if draw(st.booleans()) else i)
            continue
        step = draw(st.sampled_from([1, 2])) * (-1 if kind == "neg" else 1)
        b = draw(st.integers(0, d - 1))
        room = (d - b) if step > 0 else b + 1
        n = draw(st.integers(1, -(-room // abs(step))))
        e = b + n * step
        start: int | None = b - d if draw(st.booleans()) else b
        stop: int | None = e if 0 <= e <= d else None
        if stop is not None and draw(st.booleans()) and stop > 0:
            stop -= d
        if start == (0 if step > 0 else d - 1) and draw(st.booleans()):
            start = None
        key.append(slice(start, stop, None if step == 1 and draw(st.booleans()) else step))
    if draw(st.booleans()):
        key.insert(draw(st.integers(0, len(key))), None)
    if draw(st.booleans()):
        key.append(Ellipsis)
    return tuple(key)


@case("strided_slice")
def _strided_slice(draw: Draw, op: str) -> Case:
    shape = shape_of(draw, 1, 3, 1, 4)
    key = slice_key(draw, shape)
    return Case(op, [floats(draw, shape)], dict(slice_attrs(shape, key)), desc=f"key={key!r}")


@case("strided_slice_grad")
def _strided_slice_grad(draw: Draw, op: str) -> Case:
    from gradc.compiler.ops.misc import strided_shape

    shape = shape_of(draw, 1, 3, 1, 4)
    key = slice_key(draw, shape)
    attrs = dict(slice_attrs(shape, key))
    out = strided_shape(shape, dict(attrs))
    attrs["shape"] = shape
    return Case(op, [floats(draw, out)], attrs, desc=f"key={key!r}")


def case_strategy(op: str) -> st.SearchStrategy[Case]:
    """The hypothesis strategy drawing `Case`s for `op`."""
    drawer = CASES[op]

    @st.composite
    def strat(draw: Draw) -> Case:
        return drawer(draw)

    return strat()


# A few fixed regression samples (exact values worth pinning in addition to random draws).
FIXED: dict[str, list[Case]] = {
    "strided_slice": [
        Case("strided_slice", [np.arange(12.0).reshape(3, 4)], dict(slice_attrs((3, 4), (slice(None, None, -1),
                                                                                         slice(1, None)))),
             desc="x[::-1, 1:]"),
        Case("strided_slice", [np.arange(6.0)], dict(slice_attrs((6,), (slice(None, None, -2),))), desc="x[::-2]"),
    ],
}
