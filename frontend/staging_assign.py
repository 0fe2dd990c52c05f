"""Staging of assignments: binding values to names, unpacking, subscripts and attributes.

Plain, starred (`a, *b = ...`), chained (`a = b = ...`), annotated and augmented assignments
(`y += 1` calls `operator.iadd`, so a tensor gets TensorFlow's `add` op while a list is
extended in place, as in Python). Subscript and attribute targets assign into Python objects;
tensors are immutable, so assigning into one raises TypeError as in TensorFlow.
"""

from __future__ import annotations

from typing import Any

from lark import Tree

from .staging_expr import INPLACE, ExprEvaluator
from .staging_scope import Frame


class AssignMixin(ExprEvaluator):
    """Assignment statements of the interpreter."""

    def s_assign_stmt(self, frame: Frame, node: Tree) -> Any:
        return self.stmt_inner(frame, node.children[0])

    def stmt_inner(self, frame: Frame, node: Tree) -> Any:
        return getattr(self, "s_" + node.data)(frame, node)

    def s_assign(self, frame: Frame, node: Tree) -> Any:
        value = self.eval(frame, node.children[-1])
        for target in node.children[:-1]:
            self.assign(frame, target, value)

    def s_annassign(self, frame: Frame, node: Tree) -> Any:
        if node.children[2] is not None:  # the annotation itself is not evaluated
            self.assign(frame, node.children[0], self.eval(frame, node.children[2]))

    def s_augassign(self, frame: Frame, node: Tree) -> Any:
        target, op, rhs = node.children
        opfn = INPLACE[str(op.children[0])]
        if target.data == "var":
            current = self.eval(frame, target)
            value = self.eval(frame, rhs)
            self.set_loc(frame, node)
            frame.locals[str(target.children[0].children[0])] = opfn(current, value)
        elif target.data == "getitem":
            obj = self.eval(frame, target.children[0])
            key = self.subscript(frame, target.children[1])
            value = self.eval(frame, rhs)
            self.set_loc(frame, node)
            obj[key] = opfn(obj[key], value)
        elif target.data == "getattr":
            obj = self.eval(frame, target.children[0])
            attr = str(target.children[1].children[0])
            value = self.eval(frame, rhs)
            self.set_loc(frame, node)
            setattr(obj, attr, opfn(getattr(obj, attr), value))
        else:
            raise SyntaxError("illegal expression for augmented assignment")

    def assign(self, frame: Frame, target: Any, value: Any) -> None:
        kind = target.data
        if kind == "var":
            frame.locals[str(target.children[0].children[0])] = value
        elif kind in ("tuple", "list", "exprlist", "testlist_tuple"):
            self.unpack(frame, target.children, value)
        elif kind == "getitem":
            obj = self.eval(frame, target.children[0])
            obj[self.subscript(frame, target.children[1])] = value
        elif kind == "getattr":
            setattr(self.eval(frame, target.children[0]), str(target.children[1].children[0]), value)
        else:
            raise SyntaxError(f"cannot assign to {kind.replace('_', ' ')}")

    def unpack(self, frame: Frame, targets: list[Any], value: Any) -> None:
        items = list(value)  # a tensor of static shape unpacks along its first axis
        stars = [i for i, t in enumerate(targets) if t.data == "star_expr"]
        if not stars:
            if len(items) != len(targets):
                many = len(items) > len(targets)
                raise ValueError(f"too many values to unpack (expected {len(targets)})" if many else
                                 f"not enough values to unpack (expected {len(targets)}, got {len(items)})")
            for t, v in zip(targets, items, strict=True):
                self.assign(frame, t, v)
            return
        s, after = stars[0], len(targets) - stars[0] - 1
        if len(items) < s + after:
            raise ValueError(f"not enough values to unpack (expected at least {s + after}, got {len(items)})")
        for t, v in zip(targets[:s], items[:s], strict=True):
            self.assign(frame, t, v)
        self.assign(frame, targets[s].children[0], items[s: len(items) - after])
        for t, v in zip(targets[s + 1:], items[len(items) - after:], strict=True):
            self.assign(frame, t, v)
