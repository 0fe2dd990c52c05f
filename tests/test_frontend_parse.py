"""Source reading and lark parsing: positions map back to the user's file."""

from __future__ import annotations

import inspect
import textwrap

import pytest
from lark import Tree

from gradc.errors import GradcSourceError
from gradc.pyparse import parse, parse_function, position
from gradc.source import get_source


def _deco(f):  # a decorator whose line must not be staged
    return f


@_deco
@_deco
def decorated(x, y=2):
    z = x * y
    return z


class Holder:
    @staticmethod
    def method(a):
        return a + 1


def _first(tree: Tree, kind: str) -> Tree:
    return next(tree.find_data(kind))


def test_parse_keeps_positions() -> None:
    tree = parse("def f(x):\n    y = x * 2\n    return y\n")
    term = _first(tree, "term")
    assert position(term)[:2] == (2, 9)
    ret = _first(tree, "return_stmt")
    assert position(ret)[:2] == (3, 5)


def test_source_blanks_decorators_and_maps_lines() -> None:
    src = get_source(decorated)
    first = inspect.getsourcelines(decorated)[1]
    assert src.first_line == first
    assert src.text.splitlines()[:2] == ["", ""]  # two decorator lines blanked
    assert src.text.splitlines()[2].startswith("def decorated")
    funcdef = parse_function(src)
    term = _first(funcdef, "term")  # `x * y`
    site = src.site(*position(term))
    assert (site.line, site.col) == (first + 3, 9)
    assert site.text.strip() == "z = x * y"
    assert src.filename == __file__


def test_source_dedents_methods_but_columns_are_the_files() -> None:
    src = get_source(Holder.method)
    assert src.indent == 4
    funcdef = parse_function(src)
    arith = _first(funcdef, "arith_expr")  # `a + 1`, at column 16 of the file
    site = src.site(*position(arith))
    assert site.col == 16
    assert site.text[site.col - 1:].startswith("a + 1")


def test_multiline_decorator_is_skipped() -> None:
    ns: dict = {}
    code = textwrap.dedent('''
        def deco(**kw):
            return lambda f: f

        @deco(doc="def not_this(): pass",
              other=1)
        def g(q):
            return q
    ''')
    path = "/tmp/_gradc_test_multiline_deco.py"
    with open(path, "w") as fh:
        fh.write(code)
    exec(compile(code, path, "exec"), ns)
    src = get_source(ns["g"])
    funcdef = parse_function(src)
    assert str(funcdef.children[0].children[0]) == "g"
    assert src.site(*position(funcdef)[:2]).line == 7


def test_exec_code_has_no_source() -> None:
    ns: dict = {}
    exec("def h(x):\n    return x\n", ns)
    with pytest.raises(GradcSourceError) as ei:
        get_source(ns["h"])
    msg = str(ei.value)
    assert "cannot read the source of function 'h'" in msg
    assert "exec()" in msg and "Put the function in a .py file" in msg
    assert isinstance(ei.value, OSError)
