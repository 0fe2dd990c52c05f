"""Source reading: the text of a Python function, ready to parse, mapped back to its file.

gradc compiles a function from its source text (it never runs the function's bytecode). This
phase finds that text (`inspect`/`linecache`, so files, notebook cells and IPython work),
blanks out the decorator lines (a decorator must not be staged again) while keeping every
later line at its own line number, and dedents methods and nested functions. `SourceInfo.site`
turns a position in the parsed text back into file:line:col in the user's file.
"""

from __future__ import annotations

import inspect
import io
import linecache
import tokenize
from dataclasses import dataclass
from types import FunctionType

from .errors import GradcSourceError, Site


@dataclass(frozen=True)
class SourceInfo:
    """The parseable text of one function and how its positions map to the user's file."""

    func_name: str
    file: str
    first_line: int  # file line number of the text's first line (the first decorator, if any)
    text: str  # dedented, decorators blanked, ends with a newline
    indent: int  # columns removed from every line by dedenting
    file_lines: tuple[str, ...]  # the original lines of the region (no newlines)

    @property
    def filename(self) -> str:
        return self.file

    def file_line(self, line: int) -> int:
        """File line number of parsed-text line `line` (1-based)."""
        return self.first_line + line - 1

    def source_line(self, line: int) -> str:
        """The user's original text of parsed-text line `line`."""
        i = line - 1
        if 0 <= i < len(self.file_lines):
            return self.file_lines[i]
        return linecache.getline(self.file, self.file_line(line)).rstrip("\n")

    def site(self, line: int, col: int, end_line: int | None = None, end_col: int | None = None) -> Site:
        """The user-file position of (line, col) of the parsed text; col is 1-based."""
        text = self.source_line(line)
        shift = self.indent if text[: self.indent].isspace() else 0
        end = (end_col + shift) if (end_col is not None and end_line == line) else 0
        return Site(self.file, self.file_line(line), col + shift, end, text)


_NO_SOURCE_HELP = (
    "gradc compiles a function from its source text, which Python does not keep for code run "
    "with exec()/eval() or typed at the interactive prompt. Put the function in a .py file (or a "
    "notebook cell) and import or run it from there."
)


def get_source(func: FunctionType) -> SourceInfo:
    """Read `func`'s source; raise GradcSourceError naming the cause and the fix if unavailable."""
    code = func.__code__
    name = getattr(func, "__qualname__", func.__name__)
    try:
        # The code object, not the function: inspect would follow `__wrapped__` to another
        # function's source (functools.wraps), which we would then run with the wrong scope.
        lines, first = _fast_lines(func) or inspect.getsourcelines(code)
    except (OSError, TypeError) as e:
        raise GradcSourceError(
            f"cannot read the source of function '{name}' (defined in {code.co_filename}): {e}. "
            + _NO_SOURCE_HELP
        ) from None
    if not lines:
        raise GradcSourceError(f"the source of function '{name}' is empty. " + _NO_SOURCE_HELP)
    first = max(first, 1)  # inspect reports 0 for a module's source
    raw = [ln.rstrip("\r\n") for ln in lines]
    def_at = _def_line_index(raw)
    indent = len(raw[def_at]) - len(raw[def_at].lstrip())
    prefix = raw[def_at][:indent]
    out = []
    for i, ln in enumerate(raw):
        if i < def_at:
            out.append("")  # a decorator line: blank, so later lines keep their numbers
        elif ln.startswith(prefix):
            out.append(ln[indent:])
        else:
            out.append(ln if ln.strip() else "")  # blank line, or continuation text inside brackets
    return SourceInfo(name, code.co_filename, first, "\n".join(out) + "\n", indent, tuple(raw))


def _fast_lines(func: FunctionType) -> tuple[list[str], int] | None:
    """`inspect.getsourcelines(func.__code__)` without its module search (a sys.modules scan
    that dominates a small function's first call): linecache by file name, then the block."""
    code = func.__code__
    all_lines = linecache.getlines(code.co_filename, func.__globals__)
    first = code.co_firstlineno
    if not all_lines or not 1 <= first <= len(all_lines):
        return None
    try:
        block = inspect.getblock(all_lines[first - 1:])
    except (SyntaxError, IndentationError):
        return None
    return (list(block), first) if block else None


def _def_line_index(lines: list[str]) -> int:
    """Index of the line holding the `def` keyword, skipping (multi-line) decorators.

    Tokenizing rather than searching for "def " keeps decorator arguments such as
    `@deco(doc="def x")` from confusing us.
    """
    depth = 0
    text = "\n".join(ln.strip() for ln in lines) + "\n"  # stripped: tokenize needs no indent
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth -= 1
            elif depth == 0 and tok.type == tokenize.NAME and tok.string in ("def", "async"):
                return tok.start[0] - 1
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    for i, ln in enumerate(lines):
        if ln.lstrip().startswith(("def ", "async def")):
            return i
    return 0


# The name frontend/function.py uses.
function_source = get_source
