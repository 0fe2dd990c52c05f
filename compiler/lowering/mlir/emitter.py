"""The text builder for one `func.func`: SSA naming, locations and the few op shapes we emit.

Every tensor computation goes through `generic` (a `linalg.generic` whose region a scalar
emitter fills), `fill`, `reshape` (collapse/expand_shape), `transpose`, slices and constants,
so the spec lowerings in ops.py/views.py never assemble MLIR syntax by hand beyond one op.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gradc.compiler.ir.core import UNKNOWN_LOC, Loc
from gradc.compiler.ir.types import DType

from . import text
from .text import Namer, ttype

INDENT = "    "


class Body:
    """The ops of one region (a linalg.generic body, an scf.for body) as text lines."""

    def __init__(self, namer: Namer, depth: int = 3) -> None:
        self.namer = namer
        self.depth = depth
        self.lines: list[str] = []

    def op(self, rhs: str, base: str = "t") -> str:
        """Append `%name = rhs`; returns `%name`."""
        name = self.namer.fresh(base)
        self.raw(f"{name} = {rhs}")
        return name

    def raw(self, line: str) -> None:
        self.lines.append(INDENT * self.depth + line)

    def const(self, value: object, dt: DType) -> str:
        return self.op(_constant(value, dt), "c")

    def index(self, n: int) -> str:
        return self.op(f"arith.constant {n} : index", "c")


# A region filler: gets the block arguments (inputs then the output accumulator), returns the
# SSA name to yield.
BodyFn = Callable[[Body, list[str]], str]


@dataclass(frozen=True)
class Operand:
    """A generic's input: SSA name, shape, dtype, and its indexing map text."""

    name: str
    shape: tuple[int, ...]
    dtype: DType
    map: str

    @property
    def type(self) -> str:
        return ttype(self.shape, self.dtype)


class FuncEmitter:
    """Accumulates the body lines of one function; `at(loc, name)` sets where ops come from."""

    def __init__(self) -> None:
        self.namer = Namer()
        self.lines: list[str] = []
        self._loc = text.loc(UNKNOWN_LOC)
        self.base = "v"  # readable SSA base for helper values: the current TF op's name

    def at(self, loc: Loc, op_name: str) -> None:
        self._loc = text.loc(loc, op_name)
        self.base = op_name

    @property
    def loc_text(self) -> str:
        """The `loc(...)` of the op being lowered, for ops written line by line."""
        return self._loc

    def op(self, rhs: str, base: str | None = None) -> str:
        name = self.namer.fresh(base or self.base)
        self.lines.append(f"{INDENT * 2}{name} = {rhs} {self._loc}")
        return name

    # -- tensors ---------------------------------------------------------------------------------

    def empty(self, shape: Sequence[int], dt: DType) -> str:
        return self.op(f"tensor.empty() : {ttype(shape, dt)}", self.base + "_init")

    def constant(self, value: object, dt: DType) -> str:
        """A scalar constant at function level (only used as an operand of linalg.fill)."""
        return self.op(_constant(value, dt), "cst")

    def fill(self, value: object, shape: Sequence[int], dt: DType) -> str:
        c = self.constant(value, dt)
        e = self.empty(shape, dt)
        t = ttype(shape, dt)
        return self.op(f"linalg.fill ins({c} : {dt.short}) outs({e} : {t}) -> {t}", self.base + "_fill")

    def generic(
        self,
        ins: Sequence[Operand],
        out_shape: Sequence[int],
        out_dt: DType,
        body: BodyFn,
        iterators: Sequence[str] | None = None,
        out_map: str | None = None,
        init: str | None = None,
        base: str | None = None,
    ) -> str:
        """A linalg.generic over `len(iterators)` loops (default: all parallel over out_shape)."""
        iterators = list(iterators) if iterators is not None else ["parallel"] * len(out_shape)
        out_map = out_map or text.identity_map(len(out_shape))
        t = ttype(out_shape, out_dt)
        init = init or self.empty(out_shape, out_dt)
        maps = ", ".join([o.map for o in ins] + [out_map])
        its = ", ".join(f'"{i}"' for i in iterators)
        head = f"linalg.generic {{indexing_maps = [{maps}], iterator_types = [{its}]}} "
        if ins:
            head += f"ins({', '.join(o.name for o in ins)} : {', '.join(o.type for o in ins)}) "
        head += f"outs({init} : {t}) {{"
        result = self.namer.fresh(base or self.base)
        self.lines.append(f"{INDENT * 2}{result} = {head}")
        args = [self.namer.fresh("in") for _ in ins] + [self.namer.fresh("out")]
        sig = ", ".join(f"{a}: {o.dtype.short}" for a, o in zip(args, ins, strict=False))
        sig = (sig + ", " if sig else "") + f"{args[-1]}: {out_dt.short}"
        self.lines.append(f"{INDENT * 2}^bb0({sig}):")
        b = Body(self.namer)
        y = body(b, args)
        self.lines.extend(b.lines)
        self.lines.append(f"{INDENT * 3}linalg.yield {y} : {out_dt.short}")
        self.lines.append(f"{INDENT * 2}}} -> {t} {self._loc}")
        return result

    def reshape(self, name: str, src: Sequence[int], dst: Sequence[int], dt: DType) -> str:
        """Same elements, new shape: one collapse_shape/expand_shape, or both through 1-D."""
        src, dst = tuple(src), tuple(dst)
        if src == dst:
            return name
        if 0 in src:  # no data to move
            return self.empty(dst, dt)
        if len(dst) < len(src) and (groups := _reassociation(src, dst)) is not None:
            return self._collapse(name, src, dst, groups, dt)
        if len(dst) > len(src) and (groups := _reassociation(dst, src)) is not None:
            return self._expand(name, src, dst, groups, dt)
        n = 1
        for d in src:
            n *= d
        flat = self.reshape(name, src, (n,), dt)
        return self.reshape(flat, (n,), dst, dt)

    def _collapse(self, name: str, src: tuple[int, ...], dst: tuple[int, ...], groups: list[list[int]],
                  dt: DType) -> str:
        return self.op(f"tensor.collapse_shape {name} {groups} : {ttype(src, dt)} into {ttype(dst, dt)}")

    def _expand(self, name: str, src: tuple[int, ...], dst: tuple[int, ...], groups: list[list[int]],
                dt: DType) -> str:
        return self.op(f"tensor.expand_shape {name} {groups} output_shape {text.shape_list(dst)} : "
                       f"{ttype(src, dt)} into {ttype(dst, dt)}")

    def transpose(self, name: str, shape: Sequence[int], perm: Sequence[int], dt: DType) -> str:
        """linalg.transpose: result dim k is input dim perm[k]."""
        out = [shape[p] for p in perm]
        e = self.empty(out, dt)
        return self.op(f"linalg.transpose ins({name} : {ttype(shape, dt)}) outs({e} : {ttype(out, dt)}) "
                       f"permutation = {text.shape_list(perm)}")


def _constant(value: object, dt: DType) -> str:
    # `true : i1` does not parse: a bool literal carries its type.
    lit = text.scalar(value, dt)
    return f"arith.constant {lit}" if dt is DType.bool else f"arith.constant {lit} : {dt.short}"


def _reassociation(big: tuple[int, ...], small: tuple[int, ...]) -> list[list[int]] | None:
    """Group consecutive dims of `big` so each group's product is one dim of `small`, or None."""
    if not small:
        return [] if all(d == 1 for d in big) else None
    groups: list[list[int]] = []
    i = 0
    for d in small:
        g, p = [i] if i < len(big) else [], big[i] if i < len(big) else 0
        i += 1
        while p < d and i < len(big):
            p *= big[i]
            g.append(i)
            i += 1
        if p != d or not g:
            return None
        groups.append(g)
    if any(big[j] != 1 for j in range(i, len(big))):
        return None
    groups[-1].extend(range(i, len(big)))  # trailing unit dims join the last group
    return groups
