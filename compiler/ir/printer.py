"""Prints a Function as MLIR generic syntax under the `gradc.` prefix (parsed back by parser.py).

    func.func @f(%x: tensor<2xf32>) {
      %Const = "gradc.constant"() {name = "Const", value = dense<2.0> : tensor<f32>} : ()
          -> tensor<f32> loc(unknown)
      %gradients.Mul = "gradc.mul"(%Const, %x) {name = "gradients/Mul"} : (tensor<f32>, tensor<2xf32>)
          -> tensor<2xf32> loc("ex.py":4:7)
      %split:2 = "gradc.split"(%x) {name = "split", axis = 0, num = 2} : (tensor<2xf32>)
          -> (tensor<1xf32>, tensor<1xf32>) loc(unknown)
      "func.return"(%gradients.Mul, %split#1) : (tensor<2xf32>, tensor<1xf32>) -> ()
    }

Each op is one line (wrapped above). SSA names come from TF op names (`/` becomes `.`, other
characters outside MLIR's identifier set become `_`, clashes get `_k`); the exact TF name is
the `name` attribute, printed first, then the op's attributes sorted by key. Every attribute
value prints exactly so that `print(parse(print(f))) == print(f)`: floats use the shortest
repr that reads back to the same bits, arrays are `dense<...> : tensor<...>` (a splat when
all elements are equal, raw little-endian hex beyond DENSE_LIST_LIMIT elements), None is
`unit`, tuples are `[...]`, dtypes are element types (`f32`). Locations are
`loc("file":line:col)` or `loc(unknown)`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from .core import UNKNOWN_LOC, Function, Loc, Op, Value
from .types import DType, TensorType

# Arrays with more elements than this print as a hex blob (exact and compact) instead of a list.
DENSE_LIST_LIMIT = 64

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_$.]*")
_SSA_CHAR = re.compile(r"[^A-Za-z0-9_$.\-]")
# Words the grammar reserves: an attribute key spelled like one must be quoted.
KEYWORDS = frozenset({"true", "false", "unit", "inf", "nan", "dense", "loc", "unknown",
                      "f32", "f64", "i32", "i64", "i1"})


def print_function(fn: Function) -> str:
    """The text form of `fn` (ends with a newline)."""
    names = _SsaNames()
    args = ", ".join(_arg(names, v) for v in fn.args)
    lines = [f"func.func @{_symbol(fn.name)}({args}) {{"]
    for op in fn.ops:
        lines.append("  " + _op(names, op))
    outs = ", ".join(names.use(v) for v in fn.outputs)
    types = ", ".join(str(v.type) for v in fn.outputs)
    lines.append(f'  "func.return"({outs}) : ({types}) -> ()')
    lines.append("}")
    return "\n".join(lines) + "\n"


def print_module(fns: Iterable[Function]) -> str:
    """Several functions, separated by blank lines."""
    return "\n".join(print_function(f) for f in fns)


class _SsaNames:
    """Assigns each value a unique SSA name derived from its TF name, in definition order."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.of: dict[Value, str] = {}
        self.of_op: dict[Op, str] = {}

    def fresh(self, tf_name: str) -> str:
        base = _SSA_CHAR.sub("_", tf_name.replace("/", ".")) or "v"
        name, k = base, 1
        while name in self.taken:
            name, k = f"{base}_{k}", k + 1
        self.taken.add(name)
        return name

    def define_op(self, op: Op) -> str:
        name = self.fresh(op.name)
        self.of_op[op] = name
        for r in op.results:
            self.of[r] = name if len(op.results) == 1 else f"{name}#{r.index}"
        return name

    def use(self, v: Value) -> str:
        try:
            return "%" + self.of[v]
        except KeyError:
            # Printing invalid IR (e.g. a dump after a broken pass) must still work.
            return f"%<undefined {v.name}>"


def _arg(names: _SsaNames, v: Value) -> str:
    name = names.fresh(v.arg_name)
    names.of[v] = name
    text = f"%{name}: {v.type}"
    if name != v.arg_name:  # the SSA name lost information: keep the exact argument name
        text += f" {{name = {quote(v.arg_name)}}}"
    return text


def _op(names: _SsaNames, op: Op) -> str:
    operands = ", ".join(names.use(v) for v in op.operands)
    in_types = ", ".join(str(v.type) for v in op.operands)
    if len(op.results) == 1:
        out_types = str(op.results[0].type)
    else:
        out_types = "(" + ", ".join(str(r.type) for r in op.results) + ")"
    if "name" in op.attrs:
        raise ValueError(f"op {op.name!r}: attribute 'name' is reserved for the TF op name")
    attrs = [f"name = {quote(op.name)}"]
    attrs += [f"{_key(k)} = {format_attr(op.attrs[k])}" for k in sorted(op.attrs)]
    ssa = names.define_op(op)
    lhs = ""
    if len(op.results) == 1:
        lhs = f"%{ssa} = "
    elif op.results:
        lhs = f"%{ssa}:{len(op.results)} = "
    return (f'{lhs}"gradc.{op.opdef}"({operands}) {{{", ".join(attrs)}}} : ({in_types}) -> '
            f"{out_types} {format_loc(op.loc)}")


def format_loc(loc: Loc) -> str:
    if loc == UNKNOWN_LOC:
        return "loc(unknown)"
    return f"loc({quote(loc.file)}:{loc.line}:{loc.col})"


def _symbol(name: str) -> str:
    return name if _IDENT.fullmatch(name) else quote(name)


def _key(k: str) -> str:
    return k if _IDENT.fullmatch(k) and k not in KEYWORDS else quote(k)


def quote(s: str) -> str:
    """An MLIR string literal: printable ASCII kept, `"` and `\\` escaped, the rest as `\\XX` bytes."""
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.extend(f"\\{b:02X}" for b in ch.encode("utf-8"))
    return '"' + "".join(out) + '"'


def format_attr(v: Any) -> str:
    """One attribute value; the parser reads it back to an equal value of the same type."""
    if isinstance(v, np.ndarray):
        return format_dense(v)
    if isinstance(v, np.generic):  # a NumPy scalar that slipped into attrs: print its Python value
        v = v.item()
    if v is None:
        return "unit"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, DType):
        return v.short
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(format_attr(x) for x in v) + "]"
    raise TypeError(f"cannot print attribute value {v!r} of type {type(v).__name__}")


def format_float(x: float, dtype: np.dtype | None = None) -> str:
    """The shortest decimal that reads back (via float64, then `dtype`) to exactly `x`.

    `repr` is exact for float64. For float32 the shortest float32 digits are tried first and
    kept only if the float64 → float32 double rounding the parser does gives the same bits.
    """
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if dtype is not None and dtype == np.float32:
        short = str(np.float32(x))
        if np.float32(float(short)).tobytes() == np.float32(x).tobytes():
            return _with_point(short)
    return _with_point(repr(float(x)))


def _with_point(s: str) -> str:
    # A float must not read back as an int: `1e+20` already has an exponent, `3` needs `.0`.
    return s if any(c in s for c in ".en") else s + ".0"


def format_dense(a: np.ndarray) -> str:
    """`dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>`, a splat `dense<0.0>`, or hex."""
    t = TensorType(tuple(int(d) for d in a.shape), DType.from_np(a.dtype))
    flat = a.reshape(-1)
    if flat.size == 0:
        body = ""
    elif flat.size > 1 and _is_splat(flat):
        body = _scalar(flat[0])
    elif flat.size > DENSE_LIST_LIMIT:
        raw = flat.astype(flat.dtype.newbyteorder("<")).tobytes()
        body = '"0x' + raw.hex().upper() + '"'
    else:
        body = _nested(a)
    return f"dense<{body}> : {t}"


def _is_splat(flat: np.ndarray) -> bool:
    # Compare bytes, not values: -0.0 == 0.0 and nan != nan, but neither may change on a round trip.
    first = flat[:1].tobytes()
    n = flat.dtype.itemsize
    raw = flat.tobytes()
    return all(raw[i:i + n] == first for i in range(0, len(raw), n))


def _nested(a: np.ndarray) -> str:
    if a.ndim == 0:
        return _scalar(a[()])
    return "[" + ", ".join(_nested(x) for x in a) + "]"


def _scalar(x: np.generic) -> str:
    if isinstance(x, np.bool_):
        return "true" if x else "false"
    if isinstance(x, np.integer):
        return str(int(x))
    return format_float(float(x), x.dtype)
