"""View and Assemble specs: strided reads and writes (`ViewMap`) as tensor/linalg ops.

A ViewMap addresses a contiguous buffer of shape S at `offset + sum(i_k * strides[k])`. When
that flat address is an affine function of S's multi-index with no carries between dims (the
common case: reshape, transpose, broadcast, slices, reversal, concat pieces), we emit the
natural op: nothing or collapse/expand_shape for a plain copy, `linalg.transpose`,
`tensor.extract_slice` / `tensor.insert_slice`, or a `linalg.generic` with that affine map.
Anything else falls back to index arithmetic on the flattened tensor: `tensor.extract` inside
a linalg.generic for reads, an `scf.for` of `tensor.insert` for writes (later writes win).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod

from gradc.compiler.ir.types import TensorType
from gradc.compiler.ops.common import contiguous_strides
from gradc.compiler.ops.registry import ViewMap

from . import text
from .emitter import INDENT, Body, FuncEmitter, Operand
from .text import ttype


@dataclass(frozen=True)
class Affine:
    """Per dim m of the addressed buffer: index_m = base[m] + sum(a * d_k for k, a in terms[m])."""

    base: tuple[int, ...]
    terms: tuple[tuple[tuple[int, int], ...], ...]
    view: tuple[int, ...]

    def exprs(self) -> list[str]:
        return [text.affine_expr(b, t) for b, t in zip(self.base, self.terms, strict=True)]

    def dense(self) -> bool:
        """Every non-unit view dim moves through the buffer (no stride-0 broadcast)."""
        used = {k for t in self.terms for k, _ in t}
        return all(d == 1 or k in used for k, d in enumerate(self.view))

    def slice(self) -> tuple[list[int], list[int]] | None:
        """(sizes, steps) per buffer dim if this is an in-order positive-stride slice."""
        if not self.dense():
            return None
        sizes, steps, last = [], [], -1
        for t in self.terms:
            if len(t) > 1 or any(a <= 0 for _, a in t):
                return None
            if t:
                k, a = t[0]
                if k < last:  # a permutation: not a slice
                    return None
                last = k
                sizes.append(self.view[k])
                steps.append(a)
            else:
                sizes.append(1)
                steps.append(1)
        return sizes, steps

    def write_plan(self) -> tuple[list[int], list[int], list[int], list[str]] | None:
        """(starts, sizes, steps, piece map) writing the view as one positive-stride slice.

        A reversed dim (negative coefficient) becomes a slice starting at its lowest address
        with the piece read backwards; the map reads the piece (view-shaped) from slice dims.
        """
        if not self.dense() or any(len(t) > 1 for t in self.terms):
            return None
        starts, sizes, steps = [], [], []
        exprs = ["0"] * len(self.view)
        for j, t in enumerate(self.terms):
            if not t:
                starts.append(self.base[j])
                sizes.append(1)
                steps.append(1)
                continue
            k, a = t[0]
            n = self.view[k]
            starts.append(self.base[j] + min(0, a * (n - 1)))
            sizes.append(n)
            steps.append(abs(a))
            exprs[k] = f"d{j}" if a > 0 else text.affine_expr(n - 1, [(j, -1)])
        return starts, sizes, steps, exprs


def decompose(m: ViewMap, shape: tuple[int, ...]) -> Affine | None:
    """The ViewMap as an affine multi-index into `shape`, or None if it needs flat arithmetic."""
    n = prod(shape)
    if not 0 <= m.offset < n:
        return None
    cs = contiguous_strides(shape)
    base, rest = [], m.offset
    for c in cs:
        base.append(rest // c)
        rest %= c
    terms: list[list[tuple[int, int]]] = [[] for _ in shape]
    for k, (v, s) in enumerate(zip(m.shape, m.strides, strict=True)):
        if v == 1 or s == 0:
            continue
        # The only buffer dim stride s can step through: c_m <= |s| < c_m * shape[m].
        dims = [j for j in range(len(shape)) if shape[j] > 1 and cs[j] <= abs(s) < cs[j] * shape[j]]
        if not dims or s % cs[dims[0]]:
            return None
        terms[dims[0]].append((k, s // cs[dims[0]]))
    for j, t in enumerate(terms):  # no carries: every index stays inside its own dim
        lo = base[j] + sum(min(0, a * (m.shape[k] - 1)) for k, a in t)
        hi = base[j] + sum(max(0, a * (m.shape[k] - 1)) for k, a in t)
        if lo < 0 or hi >= shape[j]:
            return None
    return Affine(tuple(base), tuple(tuple(t) for t in terms), tuple(m.shape))


def read(em: FuncEmitter, src: str, st: TensorType, m: ViewMap, out: TensorType) -> str:
    """The result of a View: the elements of `src` that `m` addresses, reshaped to `out`."""
    view, dt = tuple(m.shape), st.dtype
    if prod(view) == 0:
        return em.empty(out.shape, dt)
    aff = decompose(m, st.shape)
    if m.offset == 0 and prod(view) == st.size and tuple(m.strides) == contiguous_strides(view):
        r = em.reshape(src, st.shape, view, dt)  # the same elements in the same order
    elif aff is None:
        r = _gather(em, src, st, m)
    elif (sl := aff.slice()) is not None:
        sizes, steps = sl
        if list(aff.base) == [0] * st.rank and sizes == list(st.shape) and set(steps) <= {1}:
            r = em.reshape(src, st.shape, view, dt)  # a plain copy: tensors are values
        else:
            piece = em.op(f"tensor.extract_slice {src}{text.shape_list(aff.base)} {text.shape_list(sizes)} "
                          f"{text.shape_list(steps)} : {st} to {ttype(sizes, dt)}")
            r = em.reshape(piece, sizes, view, dt)
    elif (perm := _permutation(aff, st.shape)) is not None:
        big = [d for d in st.shape if d != 1]
        squeezed = em.reshape(src, st.shape, big, dt)
        r = em.reshape(em.transpose(squeezed, big, perm, dt), [big[p] for p in perm], view, dt)
    else:
        inp = Operand(src, st.shape, dt, text.affine_map(len(view), aff.exprs()))
        r = em.generic([inp], view, dt, lambda b, a: a[0])
    return em.reshape(r, view, out.shape, dt)


def _permutation(aff: Affine, shape: tuple[int, ...]) -> list[int] | None:
    """The transpose of the non-unit dims, if the view is exactly one (unit strides, no offset)."""
    if not aff.dense() or any(aff.base):
        return None
    owner: dict[int, int] = {}  # view dim -> position among the non-unit buffer dims
    pos = 0
    for j, t in enumerate(aff.terms):
        if shape[j] == 1:
            continue
        if len(t) != 1 or t[0][1] != 1 or aff.view[t[0][0]] != shape[j]:
            return None
        owner[t[0][0]] = pos
        pos += 1
    return [owner[k] for k in sorted(owner)]


def _flat_index(b: Body, offset: int, idx: Sequence[str], strides: Sequence[int]) -> str:
    terms = [i if s == 1 else b.op(f"arith.muli {i}, {b.index(s)} : index")
             for i, s in zip(idx, strides, strict=True) if s]
    if offset or not terms:
        terms.append(b.index(offset))
    acc = terms[0]
    for t in terms[1:]:
        acc = b.op(f"arith.addi {acc}, {t} : index")
    return acc


def _gather(em: FuncEmitter, src: str, st: TensorType, m: ViewMap) -> str:
    """General read: out[i] = flat(src)[offset + i . strides], via tensor.extract."""
    n, dt = st.size, st.dtype
    flat = em.reshape(src, st.shape, (n,), dt)

    def body(b: Body, a: list[str]) -> str:
        idx = [b.op(f"linalg.index {k} : index", "i") for k in range(len(m.shape))]
        off = _flat_index(b, m.offset, idx, m.strides)
        return b.op(f"tensor.extract {flat}[{off}] : {ttype((n,), dt)}", "x")

    return em.generic([], m.shape, dt, body)


def assemble(em: FuncEmitter, srcs: Sequence[str], types: Sequence[TensorType], maps: Sequence[ViewMap],
             out: TensorType, zero_fill: bool) -> str:
    """An Assemble result: each map writes its operand into the output, in order."""
    dt = out.dtype
    acc = em.fill(0, out.shape, dt) if zero_fill else em.empty(out.shape, dt)
    for m in maps:
        src, st = srcs[m.operand], types[m.operand]
        if prod(m.shape) == 0:
            continue
        aff = decompose(m, out.shape)
        plan = aff.write_plan() if aff is not None else None
        if plan is None:
            acc = _scatter(em, acc, out, src, st, m)
            continue
        starts, sizes, steps, exprs = plan
        if aff.slice() is not None:  # already in slice order: only the shape changes
            piece = em.reshape(src, st.shape, sizes, dt)
        else:  # reorder (transpose/reverse) the piece so one strided insert_slice writes it
            view = em.reshape(src, st.shape, m.shape, dt)
            inp = Operand(view, tuple(m.shape), dt, text.affine_map(len(sizes), exprs))
            piece = em.generic([inp], sizes, dt, lambda b, a: a[0])
        if sizes == list(out.shape) and not any(starts):
            acc = piece  # this piece overwrites everything written before
            continue
        acc = em.op(f"tensor.insert_slice {piece} into {acc}{text.shape_list(starts)} "
                    f"{text.shape_list(sizes)} {text.shape_list(steps)} : {ttype(sizes, dt)} into {out}")
    return acc


def _scatter(em: FuncEmitter, acc: str, out: TensorType, src: str, st: TensorType, m: ViewMap) -> str:
    """General write: one scf.for over the piece's elements, each a tensor.insert (in order)."""
    dt, n, count = out.dtype, out.size, prod(m.shape)
    flat_t, src_t = ttype((n,), dt), ttype((count,), dt)
    flat = em.reshape(acc, out.shape, (n,), dt)
    piece = em.reshape(src, st.shape, (count,), dt)
    b = Body(em.namer, depth=2)
    lo, hi, one = b.index(0), b.index(count), b.index(1)
    res, t, cur = em.namer.fresh(em.base), em.namer.fresh("t"), em.namer.fresh("acc")
    b.raw(f"{res} = scf.for {t} = {lo} to {hi} step {one} iter_args({cur} = {flat}) -> ({flat_t}) {{")
    inner = Body(em.namer, depth=3)
    idx, rest = [], t
    for d in reversed(m.shape):  # unravel t over the piece's shape, last dim fastest
        idx.append(inner.op(f"arith.remui {rest}, {inner.index(d)} : index", "i"))
        rest = inner.op(f"arith.divui {rest}, {inner.index(d)} : index", "q")
    off = _flat_index(inner, m.offset, idx[::-1], m.strides)
    x = inner.op(f"tensor.extract {piece}[{t}] : {src_t}", "x")
    new = inner.op(f"tensor.insert {x} into {cur}[{off}] : {flat_t}", "acc")
    inner.raw(f"scf.yield {new} : {flat_t}")
    em.lines.extend(b.lines)
    em.lines.extend(inner.lines)
    em.lines.append(f"{INDENT * 2}}} {em.loc_text}")
    return em.reshape(res, (n,), out.shape, dt)

