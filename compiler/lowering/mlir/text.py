"""Spelling of MLIR text pieces: SSA names, element literals, dense constants, locations, maps.

Everything here follows the portable subset of ../shared/MLIR_TARGET.md: float literals are
written as hex bit patterns (exact, and the only way to write inf/nan), large constants as
little-endian hex blobs, and SSA names are derived from TF op names but made unique per function
(linalg regions are not isolated from above, so a block argument may not reuse an outer name).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from gradc.compiler.ir.core import UNKNOWN_LOC, Loc
from gradc.compiler.ir.printer import quote  # the same MLIR string escapes as the IR text
from gradc.compiler.ir.types import DType, TensorType

# Lists longer than this are written as a hex blob: exact, compact and fast to parse.
DENSE_LIST_LIMIT = 16

_NOT_SSA = re.compile(r"[^A-Za-z0-9_$.\-]")
_SYMBOL = re.compile(r"[A-Za-z_][A-Za-z0-9_$.]*")


class Namer:
    """Hands out SSA names unique within one function, derived from readable bases."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def fresh(self, base: str) -> str:
        """`%base`, or `%base_k` if taken; characters MLIR does not allow become `_`."""
        base = _NOT_SSA.sub("_", base.replace("/", ".")) or "v"
        if base[0].isdigit():  # a suffix-id starting with a digit must be all digits
            base = "v" + base
        name, k = base, 1
        while name in self.taken:
            name, k = f"{base}_{k}", k + 1
        self.taken.add(name)
        return "%" + name


def symbol(name: str) -> str:
    """A function symbol: bare if it is an identifier, else quoted."""
    return "@" + (name if _SYMBOL.fullmatch(name) else quote(name))


def loc(l: Loc, op_name: str | None = None) -> str:
    """`loc("Mul"("f.py":3:4))`: a name location carrying the TF op name around the file location."""
    inner = "" if l == UNKNOWN_LOC else f"{quote(l.file)}:{l.line}:{l.col}"
    if op_name is None:
        return f"loc({inner or 'unknown'})"
    return f"loc({quote(op_name)}({inner}))" if inner else f"loc({quote(op_name)})"


def ttype(shape: Sequence[int], dt: DType) -> str:
    return str(TensorType(tuple(shape), dt))


def scalar(value: object, dt: DType) -> str:
    """One element literal: floats as exact hex bit patterns, bools as true/false."""
    if dt is DType.bool:
        return "true" if bool(value) else "false"
    if dt.is_int:
        return str(int(value))  # type: ignore[call-overload]
    width = 8 if dt is DType.float32 else 16
    bits = np.asarray(value, dtype=dt.np).view(np.uint32 if width == 8 else np.uint64)
    return f"0x{int(bits):0{width}X}"


def dense(a: np.ndarray, dt: DType) -> str:
    """`dense<...> : tensor<...>` holding exactly the bits of `a`."""
    a = np.array(a, dtype=dt.np, order="C")  # (ascontiguousarray turns 0-d into 1-d)
    t = ttype(a.shape, dt)
    flat = a.reshape(-1)
    if flat.size == 0:
        return f"dense<> : {t}"
    raw = flat.tobytes()
    n = flat.dtype.itemsize
    if all(raw[i:i + n] == raw[:n] for i in range(0, len(raw), n)):  # bytes: keeps -0.0 and nan
        return f"dense<{scalar(flat[0], dt)}> : {t}"
    if dt is DType.bool or (dt.is_int and flat.size <= DENSE_LIST_LIMIT):
        # i1 blobs are bit-packed in some versions: lists are unambiguous for bool.
        return f"dense<{_nested(a, dt)}> : {t}"
    blob = flat.astype(flat.dtype.newbyteorder("<")).tobytes().hex().upper()
    return f'dense<"0x{blob}"> : {t}'


def _nested(a: np.ndarray, dt: DType) -> str:
    if a.ndim == 0:
        return scalar(a[()], dt)
    return "[" + ", ".join(_nested(x, dt) for x in a) + "]"


def affine_map(rank: int, exprs: Sequence[str]) -> str:
    dims = ", ".join(f"d{k}" for k in range(rank))
    return f"affine_map<({dims}) -> ({', '.join(exprs)})>"


def affine_expr(base: int, terms: Sequence[tuple[int, int]]) -> str:
    """`d1 * 2 + d0 + 3` for base 3 and terms [(1, 2), (0, 1)] (dim, coefficient)."""
    parts = [f"d{k}" if a == 1 else f"d{k} * {a}" for k, a in terms if a != 0]
    if base or not parts:
        parts.append(str(base))
    return " + ".join(parts)


def broadcast_map(src: Sequence[int], dst: Sequence[int]) -> str:
    """NumPy broadcasting as an indexing map: missing leading dims dropped, stretched dims read 0."""
    lead = len(dst) - len(src)
    exprs = ["0" if d == 1 and dst[lead + j] != 1 else f"d{lead + j}" for j, d in enumerate(src)]
    return affine_map(len(dst), exprs)


def identity_map(rank: int) -> str:
    return affine_map(rank, [f"d{k}" for k in range(rank)])


def shape_list(shape: Sequence[int]) -> str:
    return "[" + ", ".join(str(d) for d in shape) + "]"
