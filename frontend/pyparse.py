"""Parsing: Python source text to a lark tree, with lark's bundled Python 3 grammar.

The parser (LALR with lark's `PythonIndenter`) is built once, lazily, and cached on disk by
lark (`cache=True`), so importing gradc stays cheap. Trees keep positions
(`propagate_positions`): every `Tree` has `meta.line`/`meta.column` (1-based) and every
`Token` has `.line`/`.column`, which `SourceInfo.site` maps to the user's file.
"""

from __future__ import annotations

import threading

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput
from lark.indenter import PythonIndenter

from .errors import syntax_error
from .source import SourceInfo

_PARSER: Lark | None = None
_LOCK = threading.Lock()


def parser() -> Lark:
    """The shared Python parser (built on first use)."""
    global _PARSER
    if _PARSER is None:
        with _LOCK:
            if _PARSER is None:
                _PARSER = Lark.open_from_package(
                    "lark",
                    "python.lark",
                    ["grammars"],
                    parser="lalr",
                    postlex=PythonIndenter(),
                    start="file_input",
                    propagate_positions=True,
                    cache=True,
                )
    return _PARSER


def parse(text: str) -> Tree:
    """Parse a module's worth of Python text (it must end with a newline)."""
    return parser().parse(text)


def parse_function(src: SourceInfo) -> Tree:
    """The `funcdef` tree of a function's source.

    The source compiled with Python already, so a parse failure means lark's grammar lags
    the running Python (new syntax): report it at the user's line as a GradcSyntaxError.
    """
    try:
        tree = parse(src.text)
    except UnexpectedInput as e:
        line, col = getattr(e, "line", 1) or 1, getattr(e, "column", 1) or 1
        site = src.site(max(line, 1), max(col, 1))
        raise syntax_error([(site, "this syntax is not supported by gradc's Python parser")]) from None
    for stmt in tree.children:
        if isinstance(stmt, Tree) and stmt.data == "funcdef":
            return stmt
        if isinstance(stmt, Tree) and stmt.data in ("async_funcdef", "async_stmt"):
            site = src.site(*position(stmt)[:2])
            raise syntax_error([(site, "async functions are not supported by gradc; use a plain def")])
    raise syntax_error([(src.site(1, 1), "expected a function definition (def)")])


def position(node: Tree | Token) -> tuple[int, int, int | None, int | None]:
    """(line, column, end_line, end_column) of a tree or token; (1, 1, ...) when unknown."""
    if isinstance(node, Token):
        return (node.line or 1, node.column or 1, node.end_line, node.end_column)
    meta = node.meta
    if not meta.empty:
        return (meta.line, meta.column, meta.end_line, meta.end_column)
    for child in node.children:  # a tree made only of filtered tokens: use a child's position
        if isinstance(child, (Tree, Token)):
            return position(child)
    return (1, 1, None, None)
