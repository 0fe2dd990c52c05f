"""Loop-nest helpers: counted loops over static extents and stride coalescing.

Loops are emitted in the simplest canonical form (header phi, compare, body, latch); LLVM's
loop passes rotate, unroll and vectorise them. All indices are i64.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence

from llvmlite import ir

from .common import I32, I64, i64

LOOP_TAG = "gradc.loop"
_LOOP_ID = re.compile(r'^!(\d+) = !\{ !"gradc\.loop", !"\d+", ', re.M)


def loop_ids(text: str) -> str:
    """Module text with each tagged loop node made a proper (distinct, self-referencing) loop ID."""
    return _LOOP_ID.sub(lambda m: f"!{m.group(1)} = distinct !{{ !{m.group(1)}, ", text)


@contextlib.contextmanager
def loop(b: ir.IRBuilder, n: int | ir.Value, name: str = "i", interleave: int = 0) -> Iterator[ir.Value]:
    """`for i in range(n)` (n static or an i64 value): yields the index; the body is emitted
    inside the `with`. interleave: ask the loop vectoriser for that many independent vector
    iterations per trip (loop metadata; see `loop_ids`)."""
    pre = b.block
    header = b.append_basic_block(f"{name}.hdr")
    body = b.append_basic_block(f"{name}.body")
    exit_ = b.append_basic_block(f"{name}.exit")
    b.branch(header)
    b.position_at_end(header)
    i = b.phi(I64, name=name)
    i.add_incoming(i64(0), pre)
    b.cbranch(b.icmp_signed("<", i, i64(n) if isinstance(n, int) else n), body, exit_)
    b.position_at_end(body)
    yield i
    nxt = b.add(i, i64(1), name=f"{name}.next", flags=("nuw", "nsw"))
    i.add_incoming(nxt, b.block)
    br = b.branch(header)
    if interleave:
        mod = b.module
        count = mod.add_metadata([ir.MetaDataString(mod, "llvm.loop.interleave.count"), ir.Constant(I32, interleave)])
        tag = [ir.MetaDataString(mod, LOOP_TAG), ir.MetaDataString(mod, str(len(mod.metadata)))]
        br.set_metadata("llvm.loop", mod.add_metadata([*tag, count]))
    b.position_at_end(exit_)


@contextlib.contextmanager
def nest(b: ir.IRBuilder, shape: Sequence[int], name: str = "i") -> Iterator[list[ir.Value]]:
    """Nested loops over `shape` (row-major, last dim innermost); yields the index list."""
    with contextlib.ExitStack() as stack:
        idx = [stack.enter_context(loop(b, n, f"{name}{k}")) for k, n in enumerate(shape)]
        yield idx


def offset(b: ir.IRBuilder, idx: Sequence[ir.Value], strides: Sequence[int], base: int = 0) -> ir.Value:
    """base + sum(idx_k * strides_k), skipping zero strides (broadcast dims)."""
    acc: ir.Value = i64(base)
    for i, s in zip(idx, strides, strict=False):
        if s == 0:
            continue
        term = i if s == 1 else b.mul(i, i64(s), flags=("nsw",))
        acc = term if isinstance(acc, ir.Constant) and acc.constant == 0 else b.add(acc, term, flags=("nsw",))
    return acc


def coalesce(
    shape: Sequence[int], strides: Sequence[Sequence[int]]
) -> tuple[tuple[int, ...], list[tuple[int, ...]]]:
    """Merge adjacent dims that every stride set walks contiguously, drop extent-1 dims.

    Fewer, longer loops: an elementwise op on same-shaped operands becomes one flat loop.
    """
    dims = [(n, [s[k] for s in strides]) for k, n in enumerate(shape) if n != 1]
    if any(n == 0 for n, _ in dims):
        return (0,), [(0,) for _ in strides]
    out: list[tuple[int, list[int]]] = []
    for n, st in dims:
        if out:
            pn, pst = out[-1]
            if all(p == s * n for p, s in zip(pst, st, strict=False)):
                out[-1] = (pn * n, st)
                continue
        out.append((n, st))
    if not out:
        return (), [() for _ in strides]
    new_shape = tuple(n for n, _ in out)
    return new_shape, [tuple(st[j] for _, st in out) for j in range(len(strides))]
