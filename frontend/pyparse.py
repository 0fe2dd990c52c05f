"""Parsing: Python source text to a lark tree, with lark's bundled Python 3 grammar.

The parser (LALR with lark's `PythonIndenter`) is built once, lazily, and cached on disk by
lark (`cache=True`), so importing gradc stays cheap. Parse trees themselves are cached on disk
too, keyed by a hash of the exact text and the lark and gradc versions (like `__pycache__`):
a program that was compiled before skips lark entirely on its next cold start, which is most
of a small function's first-call latency. `GRADC_CACHE=0` turns it off; a damaged entry is
ignored and rewritten. Trees keep positions
(`propagate_positions`): every `Tree` has `meta.line`/`meta.column` (1-based) and every
`Token` has `.line`/`.column`, which `SourceInfo.site` maps to the user's file.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
from pathlib import Path

import lark
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


def cache_dir() -> Path | None:
    """Where gradc keeps its on-disk caches (None when disabled by GRADC_CACHE=0)."""
    if os.environ.get("GRADC_CACHE", "1") == "0":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gradc"


def _tree_cache_path(text: str) -> Path | None:
    root = cache_dir()
    if root is None:
        return None
    from gradc import __version__

    key = hashlib.sha256(f"{__version__}\0{lark.__version__}\0{text}".encode()).hexdigest()
    return root / "trees" / f"{key}.pickle"


def parse(text: str) -> Tree:
    """Parse a module's worth of Python text (it must end with a newline)."""
    path = _tree_cache_path(text)
    if path is not None:
        try:
            with open(path, "rb") as fh:
                cached = pickle.load(fh)
            if isinstance(cached, Tree):
                return cached
        except Exception:  # missing or damaged: parse again (and rewrite it below)
            pass
    tree = parser().parse(text)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent)  # atomic: concurrent processes never see half a file
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(tree, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home directory only costs the cache
    return tree


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
