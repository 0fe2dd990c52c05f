"""Frontend diagnostics: errors that point at the user's source, with a caret.

Three families leave the frontend:

- `GradcSourceError` (an `OSError`, like `inspect`'s own): the function's source text cannot be
  read (`exec`'d code, the bare REPL), so it cannot be compiled.
- `GradcSyntaxError` (a `SyntaxError`, so Python shows file and line): the function uses Python
  that gradc does not compile. The fence reports every such construct in one error.
- TensorFlow's run-time `OpError`s (`InvalidArgumentError`), re-exported from the compiler.
- Any error raised while staging a statement keeps its type (TensorFlow's programs catch
  `ValueError`, `TypeError`, ...) but its message is prefixed with the user's frames, as
  TensorFlow's `in user code:` messages are (`user_code_error`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

# TF's run-time op errors, as `gradc.errors.InvalidArgumentError` (`tf.errors....` after
# `import gradc as tf`); the compiler defines them (its kernels and checks raise them).
from gradc.compiler.errors import InvalidArgumentError, OpError  # noqa: F401


class GradcSourceError(OSError):
    """The source of a function to compile is not available."""


class GradcSyntaxError(SyntaxError):
    """The function uses Python that gradc does not compile (one error lists every use)."""


class GradcLoopError(RuntimeError):
    """A `while` loop on Python values did not finish within the compile-time iteration cap."""


def debug_enabled() -> bool:
    """`GRADC_DEBUG=1` keeps internal frames and exception chains visible."""
    return os.environ.get("GRADC_DEBUG", "") not in ("", "0")


@dataclass(frozen=True)
class Site:
    """One position in the user's file, with the text needed to show it."""

    file: str
    line: int
    col: int  # 1-based
    end_col: int  # 1-based, exclusive; <= col when the span is unknown
    text: str  # the full source line, without its newline


def caret_lines(site: Site, indent: str) -> str:
    """The source line (stripped on the left, as TensorFlow shows it) and a caret under `col`."""
    stripped = site.text.lstrip()
    lead = len(site.text) - len(stripped)
    width = max(1, site.end_col - site.col) if site.end_col > site.col else 1
    pad = max(0, site.col - 1 - lead)
    return f"{indent}{stripped.rstrip()}\n{indent}{' ' * pad}{'^' * width}"


def fence_message(items: Sequence[tuple[Site, str]]) -> str:
    """`file:line:col: <problem>` then the line and a caret, for each unsupported construct."""
    parts = []
    for site, problem in items:
        parts.append(f"{site.file}:{site.line}:{site.col}: {problem}\n{caret_lines(site, '    ')}")
    head = f"{len(items)} unsupported construct{'s' if len(items) != 1 else ''} in a gradc function:\n"
    return head + "\n".join(parts)


def syntax_error(items: Sequence[tuple[Site, str]]) -> GradcSyntaxError:
    """One `GradcSyntaxError` for all fence findings; file/line/offset/text are the first's."""
    first = items[0][0]
    err = GradcSyntaxError(
        fence_message(items),
        (first.file, first.line, first.col, first.text + "\n", first.line, max(first.end_col, first.col + 1)),
    )
    return err


# -- errors raised while staging ------------------------------------------------------------------

# Set on an exception once it carries the user frames, so enclosing frames do not prefix again.
_MARK = "_gradc_user_frames"


def is_user_error(e: BaseException) -> bool:
    return bool(getattr(e, _MARK, False))


def user_code_message(frames: Sequence[tuple[Site, str]], e: BaseException) -> str:
    """TensorFlow's `in user code:` text (outermost frame first), plus a caret line per frame."""
    lines = ["in user code:", ""]
    repeated = 0
    for k, (site, func) in enumerate(frames):
        # Deep recursion: like Python's tracebacks, a frame repeated more than 3 times in a
        # row is shown 3 times and counted.
        if k >= 3 and all(frames[k - j] == (site, func) for j in (1, 2, 3)):
            repeated += 1
            continue
        if repeated:
            lines.append(f"    [Previous line repeated {repeated} more time{'s' if repeated > 1 else ''}]")
            repeated = 0
        lines.append(f'    File "{site.file}", line {site.line}, in {func}  *')
        lines.append(caret_lines(site, "        "))
    if repeated:
        lines.append(f"    [Previous line repeated {repeated} more time{'s' if repeated > 1 else ''}]")
    lines.append("")
    lines.append(f"    {type(e).__name__}: {e}")
    return "\n".join(lines) + "\n"


def user_code_error(frames: Sequence[tuple[Site, str]], e: BaseException) -> BaseException:
    """The exception to raise for `e` raised at `frames`: same type, message prefixed.

    A new instance of the same class when its constructor takes one string (true of the
    builtin errors and of gradc's ShapeError/DTypeError); the original otherwise.
    """
    if isinstance(e, (GradcSyntaxError, GradcSourceError)) or is_user_error(e):
        return e
    msg = user_code_message(frames, e)
    new: BaseException
    try:
        new = type(e)(msg)
        if str(new) != msg:  # e.g. KeyError quotes its argument: keep the original then
            raise TypeError
        new.__dict__.update({k: v for k, v in e.__dict__.items() if k != _MARK})
    except Exception:
        new = e
    setattr(new, _MARK, True)
    if new is not e:
        new.__cause__ = e if debug_enabled() else None
        new.__suppress_context__ = True
    return new


def hide_internal_frames(e: BaseException) -> BaseException:
    """For the outermost gradc entry point: drop gradc's own frames from a user error's traceback.

    `raise hide_internal_frames(e)` shows the user's call and the `in user code:` message only,
    unless GRADC_DEBUG=1.
    """
    if is_user_error(e) and not debug_enabled():
        return e.with_traceback(None)
    return e
