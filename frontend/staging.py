"""Staging: interpret a user function's parse tree inside an active trace.

gradc never runs the decorated function's bytecode. `stage_call` reads and fences its source,
binds the arguments, and walks the body statement by statement: Python values are computed at
compile time (so `if`/`for`/`while` on them are resolved and loops unrolled), and the real op
functions, called on symbolic tensors, emit IR ops into the trace. Calls to the user's own
helper functions are staged the same way (their errors point at their lines); library
functions are simply called. Nested defs and lambdas become `StagedFunction`s, real Python
callables, so `gradc.cond(p, lambda: a, lambda: b)` can call them.

Every statement sets the builder's location; any error raised while running one keeps its
type but gets TensorFlow's `in user code:` prefix naming the user's frames (once, at the
innermost one).
"""

from __future__ import annotations

import inspect
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from inspect import Parameter, Signature
from types import FunctionType, MethodType
from typing import Any

from lark import Token, Tree

from .errors import GradcLoopError, GradcSourceError, Site, debug_enabled, is_user_error, user_code_error
from .staging_comp import ComprehensionMixin
from .staging_expr import truth
from .staging_scope import CodeInfo, Frame, compiled, is_user_code

# Generous: Python-valued while loops are unrolled, so this bounds compile time, not correctness.
MAX_WHILE_ITERATIONS = int(os.environ.get("GRADC_MAX_WHILE_ITERATIONS", "100000"))

_CO_NOT_STAGEABLE = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR

# The staged frames currently running, outermost first (for `in user code:` reports).
_FRAMES: list[Frame] = []

# Recursion. One level of the user's Python costs the interpreter ~8-30 Python frames
# (statement, expression and call dispatch), so under Python's own recursion limit a staged
# helper could only recurse ~120 levels where plain Python allows ~990. While staging, the
# interpreter's limit is raised by FRAMES_PER_LEVEL per allowed user level, and the user's
# own depth is held to what Python would allow at the call site: real infinite recursion is a
# RecursionError at the user's line, long before the raised limit (or the C stack) is reached.
# CPython 3.11+ runs Python-to-Python calls without growing the C stack, so the raised limit
# costs heap only.
FRAMES_PER_LEVEL = 40
_LIMIT_LOCK = threading.Lock()
_LIMIT_USERS = [0, 0]  # [stagings in progress, the limit to restore when the last one ends]
_BUDGET = [0]  # user-level depth allowed in the current staging (0: not staging)


def _python_depth() -> int:
    """Frames on the stack that are not gradc's own (what the user's recursion would add to)."""
    f = sys._getframe(1)
    n = 0
    while f is not None:
        if not str(f.f_globals.get("__name__", "")).startswith("gradc"):
            n += 1
        f = f.f_back  # type: ignore[assignment]
    return n


@contextmanager
def _user_recursion_budget() -> Iterator[None]:
    """Around the outermost staging: the depth Python would allow the user's code here, and an
    interpreter recursion limit that lets the staging interpreter reach it."""
    if _BUDGET[0]:
        yield
        return
    limit = sys.getrecursionlimit()
    budget = max(1, limit - _python_depth())
    with _LIMIT_LOCK:
        if _LIMIT_USERS[0] == 0:
            _LIMIT_USERS[1] = limit
        _LIMIT_USERS[0] += 1
        sys.setrecursionlimit(max(sys.getrecursionlimit(), limit + FRAMES_PER_LEVEL * budget))
    _BUDGET[0] = budget
    try:
        yield
    finally:
        _BUDGET[0] = 0
        with _LIMIT_LOCK:
            _LIMIT_USERS[0] -= 1
            if _LIMIT_USERS[0] == 0:
                sys.setrecursionlimit(_LIMIT_USERS[1])


def user_frames() -> list[tuple[Site, str]]:
    """The user's functions being staged, outermost first, each at the call or statement it is
    running (for errors reported later, when the compiled code runs)."""
    return [(f.info.site(f.call or f.stmt or f.info.funcdef), f.name) for f in _FRAMES]


class _Return:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


_BREAK = object()
_CONTINUE = object()


def stage_call(pyfunc: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Stage `pyfunc(*args, **kwargs)` into the active trace and return its Python result.

    Raises GradcSourceError when the source cannot be read and GradcSyntaxError when the
    function uses unsupported Python; errors while staging keep their type, with the
    user's frames prefixed to the message.
    """
    if isinstance(pyfunc, MethodType):
        return stage_call(pyfunc.__func__, [pyfunc.__self__, *args], kwargs)
    if not isinstance(pyfunc, FunctionType) or pyfunc.__name__ == "<lambda>":
        return pyfunc(*args, **kwargs)  # a lambda's source is part of a line: just call it
    info = compiled(pyfunc)
    sig = inspect.signature(pyfunc, follow_wrapped=False)
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    name = pyfunc.__name__
    frame = Frame(info, name, dict(bound.arguments), None, info.locals_of(info.funcdef))
    with _user_recursion_budget():
        return _INTERP.run_body(frame, info.funcdef.children[3])


class StagedFunction:
    """A nested def or lambda of a staged function: calling it stages its body."""

    def __init__(self, interp: Interpreter, frame: Frame, node: Tree, name: str,
                 signature: Signature) -> None:
        self._interp = interp
        self._frame = frame  # the defining frame: the closure
        self._node = node
        self.__name__ = self.__qualname__ = name
        self.__signature__ = signature

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        bound = self.__signature__.bind(*args, **kwargs)
        bound.apply_defaults()
        outer = self._frame
        frame = Frame(outer.info, self.__name__, dict(bound.arguments), outer,
                      outer.info.locals_of(self._node))
        if self._node.data == "funcdef":
            return self._interp.run_body(frame, self._node.children[3])
        return self._interp.run_body(frame, _lambda_suite(self._node))

    def __repr__(self) -> str:
        return f"<staged function {self.__name__}>"


# lambda node id -> a one-statement suite `return <body>` (built once: nodes are cached by id).
_LAMBDA_SUITES: dict[int, tuple[Tree, Tree]] = {}


def _lambda_suite(node: Tree) -> Tree:
    hit = _LAMBDA_SUITES.get(id(node))
    if hit is None or hit[0] is not node:
        body = node.children[1]
        hit = _LAMBDA_SUITES[id(node)] = (node, Tree("suite", [Tree("return_stmt", [body], body.meta)]))
    return hit[1]


class Interpreter(ComprehensionMixin):
    """Statement half of the interpreter; one shared instance, state lives in frames."""

    def run_body(self, frame: Frame, suite: Tree) -> Any:
        if len(_FRAMES) >= _BUDGET[0] > 0:
            # Python's own error for the user's recursion, reported at the calling line.
            raise RecursionError("maximum recursion depth exceeded")
        _FRAMES.append(frame)
        try:
            flow = self.block(frame, suite.children)
        finally:
            _FRAMES.pop()
        return flow.value if isinstance(flow, _Return) else None

    def block(self, frame: Frame, stmts: list[Any]) -> Any:
        for s in stmts:
            flow = self.stmt(frame, s)
            if flow is not None:
                return flow
        return None

    def stmt(self, frame: Frame, node: Tree) -> Any:
        frame.stmt, frame.call = node, None
        self.set_loc(frame, node)
        try:
            return getattr(self, "s_" + node.data)(frame, node)
        except Exception as e:
            new = self.user_error(frame, node, e)
            if new is e:
                raise
            if debug_enabled():
                raise new from e
            raise new from None

    def user_error(self, frame: Frame, stmt: Tree, e: Exception) -> BaseException:
        if is_user_error(e):
            return e
        node = getattr(e, "_gradc_node", None) or stmt
        outer = _FRAMES[: _FRAMES.index(frame)] if frame in _FRAMES else []
        frames = [(f.info.site(f.call or f.stmt or f.info.funcdef), f.name) for f in outer]
        frames.append((frame.info.site(node), frame.name))
        return user_code_error(frames, e)

    # -- simple statements ----------------------------------------------------------------
    def s_simple_stmt(self, frame: Frame, node: Tree) -> Any:
        return self.block(frame, node.children)

    def s_expr_stmt(self, frame: Frame, node: Tree) -> Any:
        self.eval(frame, node.children[0])

    def s_return_stmt(self, frame: Frame, node: Tree) -> Any:
        value = node.children[0]
        return _Return(None if value is None else self.eval(frame, value))

    def s_pass_stmt(self, frame: Frame, node: Tree) -> Any:
        return None

    def s_break_stmt(self, frame: Frame, node: Tree) -> Any:
        return _BREAK

    def s_continue_stmt(self, frame: Frame, node: Tree) -> Any:
        return _CONTINUE

    def s_assert_stmt(self, frame: Frame, node: Tree) -> Any:
        test, msg = node.children
        if not truth(self.eval(frame, test), test, "assert"):
            raise AssertionError(*(() if msg is None else (self.eval(frame, msg),)))

    def s_raise_stmt(self, frame: Frame, node: Tree) -> Any:
        exc, cause = node.children
        if exc is None:
            raise RuntimeError("No active exception to reraise")
        err = self.eval(frame, exc)
        err = err() if isinstance(err, type) else err
        if cause is not None:
            raise err from self.eval(frame, cause)
        raise err

    # -- compound statements ----------------------------------------------------------------
    def s_if_stmt(self, frame: Frame, node: Tree) -> Any:
        cond, body, elifs, other = node.children
        if truth(self.eval(frame, cond), cond, "if"):
            return self.block(frame, body.children)
        for branch in elifs.children:
            c, b = branch.children
            self.set_loc(frame, branch)
            if truth(self.eval(frame, c), c, "elif"):
                return self.block(frame, b.children)
        return None if other is None else self.block(frame, other.children)

    def s_for_stmt(self, frame: Frame, node: Tree) -> Any:
        target, iterable, body, other = node.children
        it = iter(self.eval(frame, iterable))
        while True:
            self.set_loc(frame, iterable)  # tensors iterate by indexing: ops at the `in` clause
            try:
                item = next(it)
            except StopIteration:
                break
            self.assign(frame, target, item)
            flow = self.block(frame, body.children)
            if flow is _BREAK:
                return None
            if isinstance(flow, _Return):
                return flow
        return None if other is None else self.block(frame, other.children)

    def s_while_stmt(self, frame: Frame, node: Tree) -> Any:
        cond, body, other = node.children
        count = 0
        while truth(self.eval(frame, cond), cond, "while"):
            count += 1
            if count > MAX_WHILE_ITERATIONS:
                err = GradcLoopError(
                    f"this while loop ran more than {MAX_WHILE_ITERATIONS} iterations while compiling "
                    "(gradc unrolls loops on Python values). Check that its condition changes, or raise "
                    "the cap with GRADC_MAX_WHILE_ITERATIONS.")
                err._gradc_node = cond  # type: ignore[attr-defined]
                raise err
            flow = self.block(frame, body.children)
            if flow is _BREAK:
                return None
            if isinstance(flow, _Return):
                return flow
            self.set_loc(frame, node)
        return None if other is None else self.block(frame, other.children)

    def s_funcdef(self, frame: Frame, node: Tree) -> Any:
        name = str(node.children[0].children[0])
        frame.locals[name] = StagedFunction(self, frame, node, name, self.signature(frame, node.children[1]))

    # -- functions ----------------------------------------------------------------------------
    def make_lambda(self, frame: Frame, node: Tree) -> Any:
        return StagedFunction(self, frame, node, "<lambda>", self.signature(frame, node.children[0]))

    def signature(self, frame: Frame, params: Tree | None) -> Signature:
        """The Signature of a nested def/lambda; defaults are evaluated now, as Python does."""
        out: list[Parameter] = []
        kind = [Parameter.POSITIONAL_OR_KEYWORD]

        def add(p: Any, k: Any) -> None:
            default = Parameter.empty
            if p.data in ("paramvalue", "lambda_paramvalue"):
                p, default = p.children[0], self.eval(frame, p.children[1])
            if p.data == "typedparam":
                p = p.children[0]
            out.append(Parameter(str(p.children[0]), k, default=default))

        def walk(items: list[Any]) -> None:
            for p in items:
                if p is None:
                    continue
                if isinstance(p, Token):  # the `/` marker: everything so far is positional-only
                    out[:] = [q.replace(kind=Parameter.POSITIONAL_ONLY) for q in out]
                elif p.data in ("starparams", "lambda_starparams"):
                    first = p.children[0]
                    if first is not None and first.data in ("starparam", "name"):
                        star = first.children[0] if first.data == "starparam" else first
                        add(star, Parameter.VAR_POSITIONAL)
                    kind[0] = Parameter.KEYWORD_ONLY
                    walk(p.children[1:])
                elif p.data == "poststarparams":
                    walk(p.children)
                elif p.data in ("kwparams", "lambda_kwparams"):
                    add(p.children[0], Parameter.VAR_KEYWORD)
                else:
                    add(p, kind[0])

        if params is not None:
            walk(params.children)
        return Signature(out)

    def call(self, frame: Frame, node: Tree, fn: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        target = fn.__func__ if isinstance(fn, MethodType) else fn
        if (isinstance(target, FunctionType) and target.__name__ != "<lambda>"
                and not target.__code__.co_flags & _CO_NOT_STAGEABLE
                and "__class__" not in target.__code__.co_freevars  # zero-argument super()
                and is_user_code(target)):
            try:
                compiled(target)
            except GradcSourceError:
                return fn(*args, **kwargs)  # e.g. exec'd helper: run it as plain Python
            return stage_call(fn, args, kwargs)
        return fn(*args, **kwargs)


_INTERP = Interpreter()

__all__ = ["stage_call", "user_frames", "StagedFunction", "CodeInfo", "MAX_WHILE_ITERATIONS"]
