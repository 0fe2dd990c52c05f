"""The fence: every unsupported construct, in one error, each at file:line:col with a caret."""

from __future__ import annotations

import inspect

import pytest

import gradc as tf
from gradc.errors import GradcSyntaxError
from gradc.fence import find_unsupported
from gradc.pyparse import parse_function
from gradc.source import get_source
from gradc.staging_scope import compiled


def three_problems(x):
    g = lambda v: v * 2.0  # noqa: E731
    try:
        y = g(x)
    except ValueError:
        y = x
    with open("log") as fh:
        zs = (fh, y)
    return zs


def supported(x, n=2):
    a, *rest = [x, x, x]
    b = {"k": x, **{"j": 1}}
    s = {1, 2}
    c = x if n > 1 else -x
    assert n > 0, "n must be positive"
    if n < 0:
        raise ValueError("negative")

    def inner(q, *args, scale=1.0, **kw):
        return q * scale

    for i in range(n):
        if i == 1:
            continue
        while False:
            break
    c += inner(x, scale=2.0)
    d = tf.where(x > 0, x, -x)
    e = sorted([3, 1], key=lambda v: -v)
    t: int = 3
    return a, rest, b, s, c, d, e, t, f"{n}"


def more_problems(x):
    global SOMETHING
    import math
    with open("f") as fh:
        del fh

    class K:
        pass

    @staticmethod
    def h():
        yield x
    return [lambda: 1], (v for v in x), {k: 1 for k in x}, (y := 2), math, K  # noqa: F841


def _check(fn):
    src = get_source(fn)
    return src, find_unsupported(parse_function(src), src)


def test_three_problems_in_one_error_with_carets() -> None:
    first = inspect.getsourcelines(three_problems)[1]
    f = __file__
    with pytest.raises(GradcSyntaxError) as ei:
        compiled(three_problems)
    e = ei.value
    assert isinstance(e, SyntaxError)
    assert (e.filename, e.lineno, e.offset) == (f, first + 1, 9)
    assert e.text.strip().startswith("g = lambda v")
    assert e.msg == (
        "3 unsupported constructs in a gradc function:\n"
        f"{f}:{first + 1}:9: `lambda` outside a call argument is not supported inside a gradc "
        "function; use a nested def (a lambda is supported only as an argument of a call, "
        "e.g. gradc.cond(p, lambda: a, lambda: b))\n"
        "    g = lambda v: v * 2.0  # noqa: E731\n"
        "        ^^^^^^^^^^^^^^^^^\n"
        f"{f}:{first + 2}:5: `try`/`except` is not supported inside a gradc function; gradc reports "
        "errors when it compiles the function; handle them around the call of the compiled function\n"
        "    try:\n"
        "    ^\n"
        f"{f}:{first + 6}:5: `with` is not supported inside a gradc function; "
        "move the `with` block outside the compiled function\n"
        "    with open(\"log\") as fh:\n"
        "    ^"
    )


def test_supported_python_passes_the_fence() -> None:
    _, found = _check(supported)
    assert found == []


def test_every_other_construct_is_reported() -> None:
    src, found = _check(more_problems)
    first = src.first_line
    got = [(s.line - first, s.col, m.split(" is not supported")[0]) for s, m in found]
    assert got == [
        (1, 5, "`global`"),
        (2, 5, "`import` inside the function"),
        (3, 5, "`with`"),
        (4, 9, "`del`"),
        (6, 5, "a class definition"),
        (9, 5, "a decorator on a nested function"),
        (11, 9, "`yield`"),
        (12, 13, "`lambda` outside a call argument"),
        (12, 61, "the assignment expression `:=`"),
    ]


def test_lambda_as_call_argument_in_every_position() -> None:
    def ok(p, a, b):
        return tf.where(p, a, b), sorted([a], key=lambda v: v), max(*[1], key=lambda v: v), \
            dict(**{}, f=lambda: 1)

    _, found = _check(ok)
    assert found == []
