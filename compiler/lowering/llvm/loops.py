"""Loop-nest helpers: counted loops over static extents and stride coalescing.

Loops are emitted in the simplest canonical form (header phi, compare, body, latch); LLVM's
loop passes rotate, unroll and vectorise them. All indices are i64.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from llvmlite import ir

from .common import I64, i64


@contextlib.contextmanager
def loop(b: ir.IRBuilder, n: int, name: str = "i") -> Iterator[ir.Value]:
    """`for i in range(n)`: yields the index; the body is emitted inside the `with`."""
    pre = b.block
    header = b.append_basic_block(f"{name}.hdr")
    body = b.append_basic_block(f"{name}.body")
    exit_ = b.append_basic_block(f"{name}.exit")
    b.branch(header)
    b.position_at_end(header)
    i = b.phi(I64, name=name)
    i.add_incoming(i64(0), pre)
    b.cbranch(b.icmp_signed("<", i, i64(n)), body, exit_)
    b.position_at_end(body)
    yield i
    nxt = b.add(i, i64(1), name=f"{name}.next", flags=("nuw", "nsw"))
    i.add_incoming(nxt, b.block)
    b.branch(header)
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
