"""The fence: reject Python that gradc does not compile, before anything is staged.

gradc stages a function by interpreting its parse tree with Python values known at compile
time. Constructs whose meaning depends on run-time control flow (`try`, `with`, generators),
or on scopes the interpreter does not model (`global`, `nonlocal`, `class`) are rejected
here, all at once: one `GradcSyntaxError` lists every
finding as `file:line:col: <construct> is not supported inside a gradc function;
<alternative>` with the source line and a caret, so the user fixes them in one round.

Supported on purpose (see SURFACE.md "Python inside a compiled function"): assignments
(also augmented, annotated, starred), `if`/`for`/`while` (+`else`), `break`/`continue`,
`return`, `pass`, nested `def`, `lambda` as a call argument (`gradc.cond(p, lambda: a, lambda:
b)`), list/tuple/dict/set literals and comprehensions, generator expressions, f-strings,
`assert` and `raise` (they run at compile time on Python values, like argument checks in TensorFlow's traced code).
"""

from __future__ import annotations

from lark import Tree

from .errors import Site, syntax_error
from .pyparse import position
from .source import SourceInfo

_SCOPE = "pass the value in as an argument and return the new value"

# tree name -> (construct, alternative)
_REJECT: dict[str, tuple[str, str]] = {
    "try_stmt": ("`try`/`except`", "gradc reports errors when it compiles the function; "
                 "handle them around the call of the compiled function"),
    "try_finally": ("`try`/`finally`", "put the cleanup after the call of the compiled function"),
    "with_stmt": ("`with`", "move the `with` block outside the compiled function"),
    "classdef": ("a class definition", "define the class at module level"),
    "async_stmt": ("`async`", "use a plain def/for"),
    "async_funcdef": ("`async def`", "use a plain def"),
    "await_expr": ("`await`", "call the function directly"),
    "yield_expr": ("`yield`", "return a list (or tuple) of the values instead"),
    "yield_from": ("`yield from`", "return a list (or tuple) of the values instead"),
    "global_stmt": ("`global`", _SCOPE),
    "nonlocal_stmt": ("`nonlocal`", _SCOPE),
    "del_stmt": ("`del`", "rebind the name instead (e.g. `x = None`)"),
    "import_name": ("`import` inside the function", "move the import to module level"),
    "import_from": ("`import` inside the function", "move the import to module level"),
    "assign_expr": ("the assignment expression `:=`", "assign on a line of its own first"),
    "decorated": ("a decorator on a nested function",
                  "apply it explicitly after the def: `g = decorator(g)`"),
    "match_stmt": ("`match`", "use if/elif/else"),
}

_LAMBDA = ("`lambda` outside a call argument",
           "use a nested def (a lambda is supported only as an argument of a call, "
           "e.g. gradc.cond(p, lambda: a, lambda: b))")

_ARG_LISTS = ("arguments", "starargs", "kwargs")


def find_unsupported(funcdef: Tree, src: SourceInfo) -> list[tuple[Site, str]]:
    """Every unsupported construct in `funcdef` (body, nested defs, lambdas), in source order."""
    found: list[tuple[tuple[int, int], Site, str]] = []

    def report(node: Tree, construct: str, alternative: str) -> None:
        line, col, end_line, end_col = position(node)
        if node.data == "decorated":  # point at the `@`, not the whole def
            end_line, end_col = line, col + 1
        site = src.site(line, col, end_line, end_col)
        msg = f"{construct} is not supported inside a gradc function; {alternative}"
        found.append(((line, col), site, msg))

    def walk(node: Tree, parent: Tree | None, grand: Tree | None) -> None:
        kind = node.data
        if kind in _REJECT:
            report(node, *_REJECT[kind])
        elif kind in ("lambdef", "lambdef_nocond") and not _lambda_is_argument(node, parent, grand):
            report(node, *_LAMBDA)
        for child in node.children:
            if isinstance(child, Tree):
                walk(child, node, parent)

    walk(funcdef, None, None)
    found.sort(key=lambda f: f[0])
    return [(site, msg) for _, site, msg in found]


def _lambda_is_argument(node: Tree, parent: Tree | None, grand: Tree | None) -> bool:
    """`f(lambda: x)` / `f(*a, lambda: x)` / `f(key=lambda: x)`: a lambda passed to a call."""
    if parent is None:
        return False
    if parent.data in ("arguments", "starargs"):
        return True
    if parent.data == "argvalue" and grand is not None and grand.data in _ARG_LISTS:
        return len(parent.children) == 2 and parent.children[1] is node
    return False


def check(funcdef: Tree, src: SourceInfo) -> None:
    """Raise one GradcSyntaxError listing every unsupported construct, if there is any."""
    found = find_unsupported(funcdef, src)
    if found:
        raise syntax_error(found)


__all__ = ["check", "find_unsupported"]
