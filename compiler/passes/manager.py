"""The pass manager: runs a pipeline of passes over a Function, verifying and timing each.

A pass is a small named object whose `run(fn) -> bool` rewrites `fn` in place and says
whether it changed anything. Options are dataclass fields of the pass (written
`name{key=value}` in a pipeline). `PassManager` verifies the input, then after each pass
calls the dump hook (before verifying, so a broken result is still dumped for debugging) and
the verifier; `.timings` records (pass name, seconds) for every pass run.

Per-pass verification is for debugging: it is on with `GRADC_VERIFY=1` (the tests), with a dump
hook (`lower()`, `gradc opt`) or `verify_each=True`. Otherwise a verifying manager checks the
result once, after the last pass: a broken pass is still caught before lowering, only the
blame is coarser, and compiling a large function does not pay for (passes + 1) walks.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from ..errors import InternalError, VerifyError
from ..ir.core import Function
from ..ir.verify import verify as verify_fn

DumpHook = Callable[[str, Function], None]


@dataclass
class Pass:
    """Base class of passes: subclasses set `name` (kebab-case) and implement `run`."""

    name: ClassVar[str] = ""

    def run(self, fn: Function) -> bool:
        """Rewrite `fn` in place; return whether anything changed."""
        raise NotImplementedError


class PassManager:
    """Runs `passes` in order over a function."""

    def __init__(self, passes: Sequence[Pass], verify: bool = True, dump: DumpHook | None = None,
                 verify_each: bool | None = None) -> None:
        self.passes = list(passes)
        self.verify = verify
        self.dump = dump
        if verify_each is None:
            verify_each = dump is not None or os.environ.get("GRADC_VERIFY") == "1"
        self.verify_each = verify_each
        self.timings: list[tuple[str, float]] = []

    def run(self, fn: Function) -> bool:
        """Run every pass on `fn`; returns whether any pass changed it."""
        each = self.verify and self.verify_each
        if each:
            # Verifying the input first blames a broken input on its producer, not on pass 1.
            try:
                verify_fn(fn)
            except VerifyError as e:
                raise VerifyError(f"invalid input to the pass pipeline: {e}") from None
        changed = False
        for p in self.passes:
            start = time.perf_counter()
            result = p.run(fn)
            self.timings.append((p.name, time.perf_counter() - start))
            if not isinstance(result, bool):  # a pass that forgets to return hides its effect
                raise InternalError(f"pass {p.name!r} returned {result!r}, not a bool")
            if self.dump is not None:
                self.dump(p.name, fn)
            if each:
                try:
                    verify_fn(fn)
                except VerifyError as e:
                    raise VerifyError(f"after pass {p.name!r}: {e}") from None
            changed |= result
        if self.verify and not each:
            try:
                verify_fn(fn)
            except VerifyError as e:
                names = ", ".join(p.name for p in self.passes)
                raise VerifyError(f"after the pass pipeline ({names}; GRADC_VERIFY=1 checks each): {e}") from None
        return changed
