"""Staging of expressions: evaluate a lark expression tree to a Python value.

Operators are applied to the evaluated objects with the `operator` module, so tensors use their
own overloads (`a * b` emits TensorFlow's `mul`) and Python values compute at compile time.
Before a call or an operator the builder's location is set to that node, so every IR op
carries the user's file:line:col. A symbolic tensor where Python needs a bool (`and`, `or`,
`not`, `x if c else y`, chained comparisons) raises `TensorBoolError` pointing at the
expression, with the gradc function to use instead.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

from lark import Token, Tree

from .staging_scope import Frame
from .tensor import Tensor, TensorBoolError
from .tracing import current

BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "@": operator.matmul,
    "/": operator.truediv, "%": operator.mod, "//": operator.floordiv,
    "<<": operator.lshift, ">>": operator.rshift, "**": operator.pow,
}
INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "@=": operator.imatmul,
    "/=": operator.itruediv, "%=": operator.imod, "//=": operator.ifloordiv,
    "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor, "<<=": operator.ilshift,
    ">>=": operator.irshift, "**=": operator.ipow,
}
_UNARY = {"-": operator.neg, "+": operator.pos, "~": operator.invert}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, ">": operator.gt, "==": operator.eq, ">=": operator.ge, "<=": operator.le,
    "!=": operator.ne, "<>": operator.ne, "is": operator.is_, "isnot": operator.is_not,
    "in": lambda a, b: a in b, "notin": lambda a, b: a not in b,
}
_BRANCH_HINT = ("Use gradc.where(cond, a, b) to select elementwise, or "
                "gradc.cond(pred, true_fn, false_fn) to branch on it.")
_LOGIC_HINT = ("Use gradc.logical_and / gradc.logical_or / gradc.logical_not (or & | ~) for "
               "elementwise logic, and gradc.where or gradc.cond to choose between values.")
HINTS = {"if": _BRANCH_HINT, "elif": _BRANCH_HINT, "conditional expression": _BRANCH_HINT,
         "while": "gradc unrolls while loops at compile time, so the condition must be a Python "
                  "value (e.g. a counter); " + _BRANCH_HINT,
         "assert": "Check Python values (shapes, dtypes) with assert; tensor values exist only "
                   "when the compiled code runs.",
         "and": _LOGIC_HINT, "or": _LOGIC_HINT, "not": _LOGIC_HINT,
         "chained comparison": "Compare once per expression and combine with gradc.logical_and."}


_WHAT = {"if": "the condition of `if`", "elif": "the condition of `elif`",
         "while": "the condition of `while`", "assert": "the condition of `assert`",
         "conditional expression": "the condition of `x if cond else y`",
         "and": "an operand of `and`", "or": "an operand of `or`", "not": "the operand of `not`",
         "chained comparison": "each comparison of a chain (`a < b < c`)"}


def truth(value: Any, node: Tree | Token, construct: str) -> bool:
    """`bool(value)` for a Python condition; a symbolic tensor is a compile error at `node`."""
    try:
        if isinstance(value, Tensor):
            raise TensorBoolError(
                f"{_WHAT.get(construct, construct)} must be a Python bool, but it is the symbolic tensor "
                f"{value!r}: its "
                f"value is only known when the compiled code runs. {HINTS.get(construct, _BRANCH_HINT)}")
        return bool(value)
    except Exception as e:
        if not hasattr(e, "_gradc_node"):
            e._gradc_node = node  # type: ignore[attr-defined]
        raise


class _Env(Mapping[str, Any]):
    """A frame's names as a mapping, so `eval` of an f-string sees the staged variables."""

    def __init__(self, frame: Frame) -> None:
        self.frame = frame

    def __getitem__(self, name: str) -> Any:
        try:
            return self.frame.lookup(name)
        except NameError:
            raise KeyError(name) from None

    def __iter__(self) -> Any:
        return iter(self.frame.locals)

    def __len__(self) -> int:
        return len(self.frame.locals)


class ExprEvaluator:
    """Expression half of the interpreter (the statement half subclasses it)."""

    def call(self, frame: Frame, node: Tree, fn: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        raise NotImplementedError

    def make_lambda(self, frame: Frame, node: Tree) -> Any:
        raise NotImplementedError

    def set_loc(self, frame: Frame, node: Tree | Token) -> None:
        tr = current()
        if tr is not None:
            tr.builder.loc = frame.info.loc(node)

    def eval(self, frame: Frame, node: Any) -> Any:
        """Evaluate an expression; the first (innermost) failing node is recorded for the caret."""
        try:
            return getattr(self, "e_" + node.data)(frame, node)
        except Exception as e:
            if not hasattr(e, "_gradc_node"):
                e._gradc_node = node  # type: ignore[attr-defined]
            raise

    # -- atoms --------------------------------------------------------------------------------
    def e_var(self, frame: Frame, node: Tree) -> Any:
        return frame.lookup(str(node.children[0].children[0]))

    def e_number(self, frame: Frame, node: Tree) -> Any:
        return ast.literal_eval(str(node.children[0]))

    def e_string(self, frame: Frame, node: Tree) -> Any:
        tok = str(node.children[0])
        prefix = tok[: min(i for i in (tok.find("'"), tok.find('"'), len(tok)) if i >= 0)]
        if "f" in prefix.lower():
            # f-strings: Python formats them; names resolve through the staged frame.
            return eval(tok, frame.info.globals, _Env(frame))  # noqa: S307
        return ast.literal_eval(tok)

    def e_string_concat(self, frame: Frame, node: Tree) -> Any:
        parts = [self.eval(frame, c) for c in node.children]
        return parts[0][:0].join(parts)

    def e_const_none(self, frame: Frame, node: Tree) -> Any:
        return None

    def e_const_true(self, frame: Frame, node: Tree) -> Any:
        return True

    def e_const_false(self, frame: Frame, node: Tree) -> Any:
        return False

    def e_ellipsis(self, frame: Frame, node: Tree) -> Any:
        return Ellipsis

    # -- displays -----------------------------------------------------------------------------
    def items(self, frame: Frame, children: list[Any]) -> list[Any]:
        out: list[Any] = []
        for c in children:
            if isinstance(c, Tree) and c.data == "star_expr":
                out.extend(self.eval(frame, c.children[0]))
            elif c is not None:
                out.append(self.eval(frame, c))
        return out

    def e_tuple(self, frame: Frame, node: Tree) -> Any:
        return tuple(self.items(frame, node.children))

    e_testlist_tuple = e_tuple
    e_exprlist = e_tuple

    def e_list(self, frame: Frame, node: Tree) -> Any:
        return self.items(frame, node.children)

    def e_set(self, frame: Frame, node: Tree) -> Any:
        return set(self.items(frame, node.children))

    def e_dict(self, frame: Frame, node: Tree) -> Any:
        out: dict[Any, Any] = {}
        for c in node.children:
            if c.data == "key_value":
                out[self.eval(frame, c.children[0])] = self.eval(frame, c.children[1])
            else:  # `**mapping`
                out.update(self.eval(frame, c))
        return out

    # -- operators ----------------------------------------------------------------------------
    def e_arith_expr(self, frame: Frame, node: Tree) -> Any:
        ch = node.children
        value = self.eval(frame, ch[0])
        for i in range(1, len(ch), 2):
            rhs = self.eval(frame, ch[i + 1])
            self.set_loc(frame, node)
            value = BINARY[str(ch[i])](value, rhs)
        return value

    e_term = e_arith_expr
    e_shift_expr = e_arith_expr

    def _fold(self, frame: Frame, node: Tree, op: Callable[[Any, Any], Any]) -> Any:
        value = self.eval(frame, node.children[0])
        for c in node.children[1:]:
            rhs = self.eval(frame, c)
            self.set_loc(frame, node)
            value = op(value, rhs)
        return value

    def e_or_expr(self, frame: Frame, node: Tree) -> Any:
        return self._fold(frame, node, operator.or_)

    def e_xor_expr(self, frame: Frame, node: Tree) -> Any:
        return self._fold(frame, node, operator.xor)

    def e_and_expr(self, frame: Frame, node: Tree) -> Any:
        return self._fold(frame, node, operator.and_)

    def e_power(self, frame: Frame, node: Tree) -> Any:
        return self._fold(frame, node, operator.pow)

    def e_factor(self, frame: Frame, node: Tree) -> Any:
        operand = self.eval(frame, node.children[1])
        self.set_loc(frame, node)
        return _UNARY[str(node.children[0])](operand)

    def e_comparison(self, frame: Frame, node: Tree) -> Any:
        ch = node.children
        left = self.eval(frame, ch[0])
        result: Any = True
        for i in range(1, len(ch), 2):
            right = self.eval(frame, ch[i + 1])
            self.set_loc(frame, node)
            result = _COMPARE["".join(str(t) for t in ch[i].children)](left, right)
            if i + 2 < len(ch) and not truth(result, node, "chained comparison"):
                return result
            left = right
        return result

    def e_not_test(self, frame: Frame, node: Tree) -> Any:
        return not truth(self.eval(frame, node.children[0]), node, "not")

    def e_and_test(self, frame: Frame, node: Tree) -> Any:
        value = self.eval(frame, node.children[0])
        for c in node.children[1:]:
            if not truth(value, node, "and"):
                return value
            value = self.eval(frame, c)
        return value

    def e_or_test(self, frame: Frame, node: Tree) -> Any:
        value = self.eval(frame, node.children[0])
        for c in node.children[1:]:
            if truth(value, node, "or"):
                return value
            value = self.eval(frame, c)
        return value

    def e_test(self, frame: Frame, node: Tree) -> Any:
        then, cond, other = node.children
        if truth(self.eval(frame, cond), cond, "conditional expression"):
            return self.eval(frame, then)
        return self.eval(frame, other)

    # -- access and calls ---------------------------------------------------------------------
    def e_getattr(self, frame: Frame, node: Tree) -> Any:
        obj = self.eval(frame, node.children[0])
        return getattr(obj, str(node.children[1].children[0]))

    def e_getitem(self, frame: Frame, node: Tree) -> Any:
        obj = self.eval(frame, node.children[0])
        key = self.subscript(frame, node.children[1])
        self.set_loc(frame, node)
        return obj[key]

    def subscript(self, frame: Frame, node: Tree) -> Any:
        if node.data == "subscript_tuple":
            return tuple(self.subscript(frame, c) for c in node.children)
        if node.data == "slice":
            lo, hi, step = node.children
            return slice(
                None if lo is None else self.eval(frame, lo),
                None if hi is None else self.eval(frame, hi),
                None if step is None or step.children[0] is None else self.eval(frame, step.children[0]),
            )
        return self.eval(frame, node)

    def e_funccall(self, frame: Frame, node: Tree) -> Any:
        fn = self.eval(frame, node.children[0])
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        if node.children[1] is not None:
            self.arguments(frame, node.children[1], args, kwargs)
        self.set_loc(frame, node)
        frame.call = node
        return self.call(frame, node, fn, args, kwargs)

    def arguments(self, frame: Frame, node: Tree, args: list[Any], kwargs: dict[str, Any]) -> None:
        for c in node.children:
            if c is None:
                continue
            if c.data == "argvalue":
                key = str(c.children[0].children[0].children[0])
                if key in kwargs:
                    raise TypeError(f"keyword argument repeated: {key}")
                kwargs[key] = self.eval(frame, c.children[1])
            elif c.data == "starargs":
                self.arguments(frame, c, args, kwargs)
            elif c.data == "stararg":
                args.extend(self.eval(frame, c.children[0]))
            elif c.data == "kwargs":
                kwargs.update(self.eval(frame, c.children[0]))
                self.arguments(frame, Tree("arguments", c.children[1:]), args, kwargs)
            else:
                args.append(self.eval(frame, c))

    def e_lambdef(self, frame: Frame, node: Tree) -> Any:
        return self.make_lambda(frame, node)
