"""Parses the IR text printed by printer.py back into Functions (grammar: ir.lark, LALR).

Ops are rebuilt through the op registry and their inference is re-run: the printed result
types must equal what the OpDef infers, so hand-written IR in tests is checked as well as
read. Every error is an IRParseError that starts with `line:col`. The `name` attribute gives
the TF op name (ops written without one are named after their TF type, as the builder
would); `Function.names_in_use` is rebuilt from all names, so more ops can be added later.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
from lark import Lark, Token, Transformer, Tree, UnexpectedInput
from lark.exceptions import VisitError

from ..errors import DTypeError, IRParseError, ShapeError
from ..ops import registry
from .core import UNKNOWN_LOC, Function, Loc, Op, Value
from .types import DType, TensorType


@functools.lru_cache(maxsize=1)
def _lark() -> Lark:
    # cache=True stores the LALR tables on disk: a warm load is ~20x faster than building them.
    return Lark.open(str(Path(__file__).with_name("ir.lark")), parser="lalr", cache=True,
                     propagate_positions=True, maybe_placeholders=True)


def parse_module(text: str) -> list[Function]:
    """All `func.func`s in `text`, in order."""
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as e:
        raise IRParseError(f"{e.line}:{e.column}: invalid IR: {_describe(e)}\n"
                           f"{e.get_context(text)}") from None
    return [_Func(t).build() for t in tree.children]


def parse_function(text: str) -> Function:
    """The single `func.func` in `text`."""
    fns = parse_module(text)
    if len(fns) != 1:
        raise IRParseError(f"1:1: expected exactly one func.func, found {len(fns)}")
    return fns[0]


def _describe(e: UnexpectedInput) -> str:
    expected = sorted(getattr(e, "expected", None) or getattr(e, "allowed", None) or [])
    tok = getattr(e, "token", None)
    if tok is None:
        got = "unexpected character"
    else:
        got = "unexpected end of input" if tok.type == "$END" else f"unexpected {tok.value!r}"
    return got + (f" (expected one of: {', '.join(expected)})" if expected else "")


def _err(node: Tree | Token, msg: str) -> IRParseError:
    if isinstance(node, Token):
        line, col = node.line, node.column
    else:
        line, col = node.meta.line, node.meta.column
    return IRParseError(f"{line}:{col}: {msg}")


_ESCAPE = re.compile(r"\\([0-9A-Fa-f]{2}|.)")
_SIMPLE_ESCAPES = {"n": b"\n", "t": b"\t", '"': b'"', "\\": b"\\"}


def unquote(tok: str) -> str:
    """Decode an MLIR string literal (`\\XX` escapes are UTF-8 bytes)."""
    body = tok[1:-1]
    out = bytearray()
    pos = 0
    for m in _ESCAPE.finditer(body):
        out += body[pos:m.start()].encode("utf-8")
        esc = m.group(1)
        out += bytes([int(esc, 16)]) if len(esc) == 2 else _SIMPLE_ESCAPES.get(esc, esc.encode())
        pos = m.end()
    out += body[pos:].encode("utf-8")
    return out.decode("utf-8")


def tensor_type(tok: str) -> TensorType:
    *dims, dt = tok[len("tensor<"):-1].split("x")
    return TensorType(tuple(int(d) for d in dims), DType.from_short(dt))


class _Values(Transformer):  # type: ignore[type-arg]
    """Attribute-value subtrees → Python values (see printer.format_attr)."""

    def int(self, c: list[Token]) -> int:
        return int(c[0])

    def float(self, c: list[Token]) -> float:
        return float(c[0])

    # Keyword literals: rule name (see ir.lark) → value.
    KEYWORDS: dict[str, Any] = {"inf": math.inf, "neg_inf": -math.inf, "nan": math.nan,
                                "true": True, "false": False, "unit": None}

    def __default__(self, data: str, children: list[Any], meta: Any) -> Any:
        if data in self.KEYWORDS:
            return self.KEYWORDS[data]
        return super().__default__(data, children, meta)

    def string(self, c: list[Token]) -> str:
        return unquote(c[0])

    def dtype(self, c: list[Token]) -> DType:
        return DType.from_short(str(c[0]))

    def value_list(self, c: list[Any]) -> list[Any]:
        return list(c)

    element_list = value_list

    def array(self, c: list[Any]) -> tuple[Any, ...]:
        return tuple(c[0] or ())

    def nested(self, c: list[Any]) -> list[Any]:
        return list(c[0] or [])

    def hex(self, c: list[Token]) -> bytes:
        s = unquote(c[0])
        if not s.startswith("0x"):
            raise ValueError(f"dense string must be hex (0x...), got {s[:20]!r}")
        return bytes.fromhex(s[2:])

    def dense(self, c: list[Any]) -> np.ndarray:
        body, t = c[0], tensor_type(c[1])
        dt = t.dtype.np
        if body is None:  # dense<>: only for tensors without elements
            body = []
        if isinstance(body, bytes):
            arr = np.frombuffer(body, dtype=dt.newbyteorder("<")).astype(dt)
            if arr.size != t.size:
                raise ValueError(f"hex data holds {arr.size} elements, {t} needs {t.size}")
            return arr.reshape(t.shape)
        if not isinstance(body, list):  # a splat: one element for all
            return np.full(t.shape, _element(body, t.dtype), dtype=dt)
        arr = np.array(body, dtype=object)
        if arr.shape != t.shape and not (t.size == 0 and arr.size == 0):
            raise ValueError(f"dense literal has shape {list(arr.shape)}, {t} needs {list(t.shape)}")
        flat = [_element(x, t.dtype) for x in arr.reshape(-1)]
        return np.array(flat, dtype=dt).reshape(t.shape)


def _element(x: Any, dt: DType) -> Any:
    """Check one dense element against the element type (no silent bool/int/float mixing)."""
    if dt.is_bool:
        if not isinstance(x, bool):
            raise ValueError(f"element {x!r} of an i1 tensor must be true or false")
    elif dt.is_int:
        if isinstance(x, bool) or not isinstance(x, int):
            raise ValueError(f"element {x!r} of an {dt.short} tensor must be an integer")
        info = np.iinfo(dt.np)
        if not info.min <= x <= info.max:
            raise ValueError(f"element {x} out of range for {dt.short}")
    elif isinstance(x, bool):
        raise ValueError(f"element {x!r} of a {dt.short} tensor must be a number")
    return x


_VALUES = _Values()


def _flat(t: Tree | None) -> list[Any]:
    """The items of an optional list subtree (`[operands]`, `[type_list]`, ...), flattened."""
    out: list[Any] = []
    for c in [] if t is None else t.children:
        if isinstance(c, Tree) and c.data in ("operands", "type_list", "attr_list", "args"):
            out.extend(c.children)
        elif c is not None:
            out.append(c)
    return out


class _Func:
    """Builds one Function from its parse tree, resolving SSA names in definition order."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.env: dict[str, Value] = {}

    def build(self) -> Function:
        sym, args_t, *ops = self.tree.children
        fn = Function(unquote(sym) if sym.type == "STRING" else str(sym))
        args = _flat(args_t)
        for a in args:
            fn.args.append(self._arg(a))
        if not ops or unquote(ops[-1].children[1]) != "func.return":
            raise _err(self.tree, f"func.func @{fn.name} must end with \"func.return\"")
        unnamed: list[Op] = []
        seen: dict[str, Tree] = {}
        for v in fn.args:
            seen[v.arg_name.lower()] = self.tree
        for t in ops[:-1]:
            op = self._op(t, unnamed)
            if op.name:
                if op.name.lower() in seen:
                    raise _err(t, f"op name {op.name!r} is already used in @{fn.name}")
                seen[op.name.lower()] = t
            fn.ops.append(op)
        fn.outputs = self._return(ops[-1])
        for name in [v.arg_name for v in fn.args] + [op.name for op in fn.ops if op.name]:
            mark_name_used(fn, name)
        for op in unnamed:  # named only now, so they never take a name written later in the text
            op.name = fn.unique_name(registry.get(op.opdef).tf_type)
        return fn

    def _define(self, tok: Token, value: Value) -> None:
        name = tok[1:]
        if name in self.env:
            raise _err(tok, f"redefinition of %{name}")
        self.env[name] = value

    def _use(self, tok: Token) -> Value:
        try:
            return self.env[tok[1:]]
        except KeyError:
            raise _err(tok, f"use of undefined value {tok}") from None

    def _arg(self, t: Tree) -> Value:
        ssa, ty, attr_dict = t.children
        attrs = self._attrs(attr_dict)
        if "#" in ssa:
            raise _err(ssa, f"argument name {ssa} cannot have a result index")
        name = attrs.pop("name", ssa[1:])
        if attrs or not isinstance(name, str):
            raise _err(t, "arguments take only a string 'name' attribute")
        v = Value(tensor_type(ty), None, 0, name)
        self._define(ssa, v)
        return v

    def _attrs(self, t: Tree | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for a in _flat(t):
            key_tok, val = a.children
            key = unquote(key_tok) if key_tok.type == "STRING" else str(key_tok)
            if key in out:
                raise _err(key_tok, f"duplicate attribute {key!r}")
            try:
                out[key] = _VALUES.transform(val) if isinstance(val, Tree) else val
            except VisitError as e:
                raise _err(a, f"attribute {key!r}: {e.orig_exc}") from None
        return out

    def _signature(self, t: Tree) -> tuple[list[Value], list[TensorType], list[TensorType]]:
        _, _, operands_t, _, in_t, out_t, _ = t.children
        operand_toks = _flat(operands_t)
        operands = [self._use(o) for o in operand_toks]
        in_types = [tensor_type(x) for x in _flat(in_t)]
        out_types = [tensor_type(x) for x in _flat(out_t)]
        if len(in_types) != len(operands):
            raise _err(in_t, f"{len(operands)} operands but {len(in_types)} operand types")
        for v, ty, tok in zip(operands, in_types, operand_toks, strict=True):
            if v.type != ty:
                raise _err(tok, f"{tok} has type {v.type}, but the signature says {ty}")
        return operands, in_types, out_types

    def _op(self, t: Tree, unnamed: list[Op]) -> Op:
        results, name_tok, _, attr_dict, _, _, loc_t = t.children
        full = unquote(name_tok)
        if not full.startswith("gradc."):
            raise _err(name_tok, f"unknown op {full!r}: ops are \"gradc.<name>\" or \"func.return\"")
        try:
            od = registry.get(full[len("gradc."):])
        except KeyError as e:
            raise _err(name_tok, str(e.args[0])) from None
        operands, in_types, out_types = self._signature(t)
        attrs = self._attrs(attr_dict)
        tf_name = attrs.pop("name", "")
        if not isinstance(tf_name, str):
            raise _err(attr_dict, "the 'name' attribute must be a string")
        try:
            inferred = od.infer(in_types, attrs)
        except (ShapeError, DTypeError, KeyError, TypeError, ValueError) as e:
            raise _err(name_tok, f"{full}: {type(e).__name__}: {e}") from None
        if inferred != out_types:
            want = ", ".join(str(x) for x in inferred)
            raise _err(name_tok, f"{full} infers result types ({want}), the text says "
                                 f"({', '.join(str(x) for x in out_types)})")
        op = Op(od.name, operands, out_types, attrs, tf_name, self._loc(loc_t))
        if not tf_name:
            unnamed.append(op)
        self._define_results(t, results, op)
        return op

    def _define_results(self, t: Tree, results: Tree | None, op: Op) -> None:
        n = len(op.results)
        if results is None:
            if n:
                raise _err(t, f"op defines {n} results but names none")
            return
        ssa, count = results.children
        if "#" in ssa:
            raise _err(ssa, f"result name {ssa} cannot have a result index")
        k = 1 if count is None else int(count)
        if k != n or (n > 1) != (count is not None):
            raise _err(ssa, f"op has {n} results: write {ssa}" + (f":{n}" if n > 1 else ""))
        if n == 1:
            self._define(ssa, op.results[0])
        for r in op.results if n > 1 else []:
            self._define(Token("SSA", f"{ssa}#{r.index}", line=ssa.line, column=ssa.column), r)

    def _return(self, t: Tree) -> list[Value]:
        results, _, _, attr_dict, _, out_t, loc_t = t.children
        if results is not None or attr_dict is not None or loc_t is not None:
            raise _err(t, "\"func.return\" takes only operands and their types")
        operands, _, out_types = self._signature(t)
        if out_types:
            raise _err(out_t, "\"func.return\" has no results: write -> ()")
        return operands

    def _loc(self, t: Tree | None) -> Loc:
        if t is None or t.data == "unknown_loc":
            return UNKNOWN_LOC
        file, line, col = t.children
        return Loc(unquote(file), int(line), int(col))


def mark_name_used(fn: Function, name: str) -> None:
    """Record `name` and its name scopes in `fn.names_in_use`, as building it would have.

    Count 1 suffices: `unique_name` skips every `base_k` already present, so a later `Mul`
    becomes `Mul_2` when `Mul` and `Mul_1` exist, as in TensorFlow.
    """
    parts = name.split("/")
    for k in range(1, len(parts) + 1):
        key = "/".join(parts[:k]).lower()
        fn.names_in_use[key] = max(fn.names_in_use.get(key, 0), 1)
