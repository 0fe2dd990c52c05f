"""Staging support: per-function compiled info, frames and Python's name resolution.

A staged function is read, parsed and fenced once per code object (`compiled`). While it is
interpreted, each call has a `Frame`: its locals, the lexically enclosing frame (nested defs and
lambdas are closures over it), and the function's `CodeInfo` (source map, globals, closure
cells, builtins). Names resolve as Python resolves them: locals, enclosing frames, closure
cells, globals, builtins; a name assigned somewhere in a function is local to it, so reading it
before the assignment is an `UnboundLocalError`, as in Python.
"""

from __future__ import annotations

import builtins
import os
import sysconfig
from dataclasses import dataclass, field
from types import CellType, CodeType, FunctionType
from typing import Any

from lark import Token, Tree

from gradc.compiler.ir.core import Loc

from . import fence
from .errors import GradcSourceError, Site
from .pyparse import parse_function, position
from .source import SourceInfo, get_source


@dataclass
class CodeInfo:
    """One user function prepared for staging (shared by all its calls and nested closures)."""

    src: SourceInfo
    funcdef: Tree
    globals: dict[str, Any]
    builtins: dict[str, Any]
    cells: dict[str, CellType]
    local_names: dict[int, frozenset[str]] = field(default_factory=dict)  # by id(def/lambda tree)
    _locs: dict[int, Loc] = field(default_factory=dict)

    def site(self, node: Tree | Token) -> Site:
        return self.src.site(*position(node))

    def loc(self, node: Tree | Token) -> Loc:
        """The IR location of a node (cached: unrolled loops ask for the same node often)."""
        key = id(node)
        loc = self._locs.get(key)
        if loc is None:
            s = self.site(node)
            loc = self._locs[key] = Loc(s.file, s.line, s.col)
        return loc

    def locals_of(self, scope: Tree) -> frozenset[str]:
        names = self.local_names.get(id(scope))
        if names is None:
            names = self.local_names[id(scope)] = assigned_names(scope)
        return names


class Frame:
    """One activation of a staged function (or of a nested def / lambda)."""

    __slots__ = ("info", "name", "locals", "parent", "local_names", "stmt", "call")

    def __init__(self, info: CodeInfo, name: str, local_vars: dict[str, Any],
                 parent: Frame | None, local_names: frozenset[str]) -> None:
        self.info = info
        self.name = name
        self.locals = local_vars
        self.parent = parent
        self.local_names = local_names
        self.stmt: Tree | None = None  # the statement being run (error reports)
        self.call: Tree | None = None  # the call being made from it (error reports of callees)

    def lookup(self, name: str) -> Any:
        f: Frame | None = self
        while f is not None:
            if name in f.locals:
                return f.locals[name]
            if name in f.local_names:
                if f is self:
                    raise UnboundLocalError(
                        f"cannot access local variable '{name}' where it is not associated with a value")
                raise NameError(
                    f"cannot access free variable '{name}' where it is not associated with a value "
                    "in enclosing scope")
            f = f.parent
        info = self.info
        cell = info.cells.get(name)
        if cell is not None:
            try:
                return cell.cell_contents
            except ValueError:
                raise NameError(f"cannot access free variable '{name}' where it is not associated "
                                "with a value in enclosing scope") from None
        if name in info.globals:
            return info.globals[name]
        if name in info.builtins:
            return info.builtins[name]
        raise NameError(f"name '{name}' is not defined")


def assigned_names(scope: Tree) -> frozenset[str]:
    """Names a def/lambda binds: parameters, assignment and for targets, nested def names."""
    names: set[str] = set()

    def targets(t: Any) -> None:
        if isinstance(t, Tree):
            if t.data == "var":
                names.add(str(t.children[0].children[0]))
            elif t.data in ("tuple", "list", "exprlist", "testlist_tuple", "star_expr"):
                for c in t.children:
                    targets(c)

    def params(t: Any) -> None:
        if isinstance(t, Tree):
            if t.data == "name":
                names.add(str(t.children[0]))
            elif t.data in ("paramvalue", "lambda_paramvalue", "typedparam"):
                params(t.children[0])
            else:
                for c in t.children:
                    params(c)

    def body(t: Any) -> None:
        if not isinstance(t, Tree):
            return
        if t.data == "funcdef":
            names.add(str(t.children[0].children[0]))
            return  # its own scope
        if t.data == "lambdef":
            return
        if t.data == "assign":
            for c in t.children[:-1]:
                targets(c)
        elif t.data in ("augassign", "annassign"):
            targets(t.children[0])
        elif t.data == "for_stmt":
            targets(t.children[0])
        for c in t.children:
            body(c)

    if scope.data == "funcdef":
        params(scope.children[1])
        body(scope.children[3])
    else:  # lambdef
        params(scope.children[0])
    return frozenset(names)


# -- which functions are user code ----------------------------------------------------------------

_CACHE: dict[CodeType, CodeInfo | GradcSourceError] = {}


def _library_dirs() -> tuple[str, ...]:
    dirs = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            dirs.add(os.path.realpath(p))
    import gradc
    import gradc.compiler
    import gradc.runtime

    for mod in (gradc, gradc.compiler, gradc.runtime):
        dirs.add(os.path.realpath(os.path.dirname(mod.__file__ or "")))
    return tuple(d.rstrip(os.sep) + os.sep for d in dirs)


_LIB_DIRS: tuple[str, ...] | None = None
_USER_FILE: dict[str, bool] = {}


def is_user_code(func: FunctionType) -> bool:
    """True for functions defined in the user's files or notebook cells, not in libraries."""
    global _LIB_DIRS
    fname = func.__code__.co_filename
    known = _USER_FILE.get(fname)
    if known is not None:
        return known
    if _LIB_DIRS is None:
        _LIB_DIRS = _library_dirs()
    if fname.startswith("<frozen"):
        user = False
    elif fname.startswith("<"):
        user = True  # <ipython-input-...>, <string>: source decides (exec'd code falls back)
    else:
        user = not os.path.realpath(fname).startswith(_LIB_DIRS)
    _USER_FILE[fname] = user
    return user


def compiled(func: FunctionType) -> CodeInfo:
    """Source, parse tree and fence verdict of `func` (cached per code object).

    Raises GradcSourceError (no source) or GradcSyntaxError (fence findings).
    """
    code = func.__code__
    hit = _CACHE.get(code)
    if isinstance(hit, GradcSourceError):
        raise hit
    if hit is None:
        try:
            src = get_source(func)
        except GradcSourceError as e:
            _CACHE[code] = e
            raise
        funcdef = parse_function(src)
        fence.check(funcdef, src)
        hit = CodeInfo(src, funcdef, {}, {}, {})
        _CACHE[code] = hit
    # Globals, builtins and cells belong to the function object (one code, many closures).
    g = func.__globals__
    b = g.get("__builtins__", builtins.__dict__)
    cells = dict(zip(code.co_freevars, func.__closure__ or (), strict=True))
    return CodeInfo(hit.src, hit.funcdef, g, b if isinstance(b, dict) else vars(b), cells,
                    hit.local_names, hit._locs)
