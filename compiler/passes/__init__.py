"""gradc.compiler.passes: the pass registry, pipeline parsing, and `opt_text` (`gradc opt`).

A pipeline is text: pass names separated by commas, each optionally with options,
`fold-constants{max_elements=1000},cse,dce`. Options are the pass's dataclass fields.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ..ir.parser import parse_module
from ..ir.printer import print_module
from .cse import CommonSubexpressionElimination
from .dce import DeadCodeElimination
from .fold_constants import FoldConstants
from .manager import DumpHook, Pass, PassManager
from .remove_stop_gradient import RemoveStopGradient
from .simplify import Simplify

# Every pass by its pipeline name. Adding a pass: one module, one line here.
PASSES: dict[str, type[Pass]] = {
    p.name: p
    for p in (RemoveStopGradient, Simplify, FoldConstants, CommonSubexpressionElimination,
              DeadCodeElimination)
}

DEFAULT_PIPELINE = "remove-stop-gradient,simplify,fold-constants,cse,dce"

_ITEM = re.compile(r"\s*([A-Za-z0-9_-]+)\s*(?:\{([^{}]*)\})?\s*")


def parse_pipeline(text: str) -> list[Pass]:
    """`"remove-stop-gradient,dce,cse"` → pass instances; unknown names list the known ones."""
    passes: list[Pass] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _ITEM.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"invalid pass pipeline {text!r} at position {pos}: expected a pass name")
        name, opts = m.group(1), m.group(2)
        if name not in PASSES:
            known = ", ".join(sorted(PASSES))
            raise ValueError(f"unknown pass {name!r} in pipeline {text!r}; known passes: {known}")
        passes.append(PASSES[name](**_options(PASSES[name], opts or "")))
        pos = m.end()
        if pos < len(text):
            if text[pos] != ",":
                raise ValueError(f"invalid pass pipeline {text!r} at position {pos}: expected ','")
            pos += 1
    return passes


def _options(cls: type[Pass], text: str) -> dict[str, Any]:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    out: dict[str, Any] = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        key, sep, raw = (s.strip() for s in item.partition("="))
        if key not in fields or not sep:
            known = ", ".join(fields) or "none"
            raise ValueError(f"pass {cls.name!r}: bad option {item!r} (options: {known})")
        out[key] = _convert(raw, fields[key].default)
    return out


def _convert(raw: str, default: Any) -> Any:
    # The field's default value tells the option's type.
    if isinstance(default, bool):
        if raw not in ("true", "false"):
            raise ValueError(f"expected true or false, got {raw!r}")
        return raw == "true"
    if isinstance(default, (int, float)):
        return type(default)(raw)
    return raw


def default_pipeline() -> list[Pass]:
    """The standard optimisation order: remove-stop-gradient, simplify, fold-constants, cse, dce."""
    return parse_pipeline(DEFAULT_PIPELINE)


def opt_text(text: str, pipeline: str, dump: DumpHook | None = None) -> str:
    """Parse IR text, run `pipeline` (verifying after each pass) on every function, print it."""
    fns = parse_module(text)
    for fn in fns:
        PassManager(parse_pipeline(pipeline), dump=dump).run(fn)
    return print_module(fns)


__all__ = ["DEFAULT_PIPELINE", "PASSES", "Pass", "PassManager", "default_pipeline", "opt_text",
           "parse_pipeline"]
