"""Run-time checks of op inputs that TensorFlow makes when an op runs.

TF's integer Pow raises InvalidArgumentError ("Integers to negative integer powers are not
allowed") when an exponent is negative; gradc's native code computes on regardless (an
exponent < 0 acts as 0). So staged, each integer `pow` whose exponent is not known while
staging gets a check: the exponent's minimum becomes an extra output of the compiled function
(as gradc.print values do), gated by the enclosing `tf.cond` predicates so an untaken branch
never fails, and the call raises TF's error, naming the user's line, after the native code
returns. Exponents known while staging are checked at once; eager calls check before running.
"""

from __future__ import annotations

import linecache
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradc.compiler.errors import InvalidArgumentError
from gradc.compiler.ir.core import Op, Value

from ..errors import Site, caret_lines
from ..tensor import EagerTensor, Tensor
from ..tracing import current, static_value

NEGATIVE_INT_POW = "Integers to negative integer powers are not allowed"  # TF's Pow kernel


@dataclass
class NegativeCheck:
    """Raise TF's error when the checked output (an exponent's minimum) is negative."""

    index: int  # into the print outputs of the trace (function_structure.WithPrints)
    message: str

    def run(self, values: list[np.ndarray]) -> None:
        if np.any(values[self.index] < 0):
            raise InvalidArgumentError(self.message)


def _graph_message(op: Op) -> str:
    """TF's graph-mode text: the node, where the user defined it, then the kernel's error."""
    from ..staging import user_frames

    frames = user_frames()
    loc = op.loc
    parts = ["Graph execution error:", "", f"Detected at node {op.name} defined at (most recent call last):"]
    for site, func in frames[:-1]:
        parts.append(f'  File "{site.file}", line {site.line}, in {func}')
        parts.append(caret_lines(site, "    "))
    if loc is not None:
        text = linecache.getline(loc.file, loc.line).rstrip("\n")
        func = frames[-1][1] if frames else "<function>"
        parts.append(f'  File "{loc.file}", line {loc.line}, in {func}')
        if text:
            parts.append(caret_lines(Site(loc.file, loc.line, loc.col, loc.col, text), "    "))
    parts += ["", NEGATIVE_INT_POW, f"\t [[{{{{node {op.name}}}}}]]"]
    return "\n".join(parts)


def check_int_pow(x: Any, y: Any, result: Any) -> None:
    """TF's negative-exponent error for integer pow: now if `y` is known, else at run time."""
    if isinstance(result, EagerTensor):
        if result.array.dtype.kind == "i" and np.any(np.asarray(y.array if isinstance(y, EagerTensor) else y) < 0):
            raise InvalidArgumentError(f"{NEGATIVE_INT_POW} [Op:Pow]")
        return
    if not isinstance(result, Tensor) or not result.value.type.dtype.is_int:
        return
    op = result.value.op
    assert op is not None
    exponent: Value = op.operands[1]
    known = static_value(Tensor(exponent, result.trace))
    if known is not None:
        if np.any(known < 0):
            raise InvalidArgumentError(NEGATIVE_INT_POW)
        return
    if exponent.type.size == 0:
        return
    tr = current()
    assert tr is not None
    b = tr.builder
    with b.name_scope(op.name + "/"):
        low = exponent
        if exponent.type.rank:
            low = b.emit("min", exponent, name="negative_exponent", axes=None, keepdims=False)
        for f in reversed(tr.cond_frames):  # an untaken branch passes: its value is 0
            zero = b.constant(np.zeros((), low.type.dtype.np), name="zeros")
            pair = (low, zero) if f.branch else (zero, low)
            low = b.emit("select", f.pred, *pair, name="negative_exponent_gate")
    tr.print_outputs.append(low)
    tr.prints.append(NegativeCheck(len(tr.print_outputs) - 1, _graph_message(op)))
