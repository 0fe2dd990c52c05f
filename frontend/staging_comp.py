"""Staging of comprehensions and generator expressions: loops evaluated at compile time.

`[g * 2.0 for g in grads]`, `sum(x for x in xs)`, `{k: v for k, v in pairs}` run like Python:
the first iterable is evaluated in the enclosing scope, the loop variables live in a scope of
their own, and the element expressions stage ops as ordinary code does. Generator expressions
are evaluated eagerly (staging has no side effects that laziness could reorder).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lark import Tree

from .staging_assign import AssignMixin
from .staging_expr import truth
from .staging_scope import Frame


def _target_names(t: Any, out: set[str]) -> None:
    if isinstance(t, Tree):
        if t.data == "var":
            out.add(str(t.children[0].children[0]))
        else:
            for c in t.children:
                _target_names(c, out)


class ComprehensionMixin(AssignMixin):
    """Evaluates list/set/dict comprehensions and generator expressions."""

    def _iterations(self, frame: Frame, comp: Tree) -> Iterator[Frame]:
        """The comprehension's scope once per innermost iteration that passes its condition."""
        fors = comp.children[1].children
        cond = comp.children[2] if len(comp.children) > 2 else None
        names: set[str] = set()
        for f in fors:
            _target_names(f.children[1], names)
        inner = Frame(frame.info, "<comprehension>", {}, frame, frozenset(names))

        def loop(k: int) -> Iterator[Frame]:
            if k == len(fors):
                if cond is None or truth(self.eval(inner, cond), cond, "comprehension condition"):
                    yield inner
                return
            target, iterable = fors[k].children[1], fors[k].children[2]
            for value in self.eval(frame if k == 0 else inner, iterable):
                self.assign(inner, target, value)
                yield from loop(k + 1)

        return loop(0)

    def _elements(self, frame: Frame, comp: Tree) -> list[Any]:
        return [self.eval(f, comp.children[0]) for f in self._iterations(frame, comp)]

    def e_list_comprehension(self, frame: Frame, node: Tree) -> Any:
        return self._elements(frame, node.children[0])

    def e_set_comprehension(self, frame: Frame, node: Tree) -> Any:
        return set(self._elements(frame, node.children[0]))

    def e_tuple_comprehension(self, frame: Frame, node: Tree) -> Any:
        return iter(self._elements(frame, node.children[0]))

    def e_comprehension(self, frame: Frame, node: Tree) -> Any:
        """A bare generator expression as the only argument of a call: `sum(x for x in xs)`."""
        return iter(self._elements(frame, node))

    def e_dict_comprehension(self, frame: Frame, node: Tree) -> Any:
        comp = node.children[0]
        kv = comp.children[0]
        return {self.eval(f, kv.children[0]): self.eval(f, kv.children[1]) for f in self._iterations(frame, comp)}
