"""`gradc.print` (TensorFlow's tf.print): print tensor values when the compiled code runs.

Staged, the printed tensors become extra outputs of the compiled function and the call prints
them, in program order, after the native code returns (the function has no other side
effects, so the order relative to the computation is unobservable). Eagerly, it prints at once.
Values are formatted as TensorFlow formats them: no commas, floats with 9 (float32) or 17
(float64) significant digits, bools as 1/0, each dimension summarised to its first and last
`summarize` entries.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from ..tensor import EagerTensor, Tensor
from ..tracing import current, to_value


@dataclass
class PrintPlan:
    """One staged print: literal strings and output indices, in argument order."""

    parts: list[tuple[str, Any]]  # ("s", text) or ("t", output index into the print outputs)
    stream: TextIO | None
    sep: str
    end: str
    summarize: int

    def run(self, values: list[np.ndarray]) -> None:
        parts = [(k, values[v]) if k == "t" else (k, v) for k, v in self.parts]
        (self.stream or sys.stderr).write(_render(parts, self.sep, self.end, self.summarize))


def _scalar(v: Any) -> str:
    if isinstance(v, (np.bool_, bool)):
        return "1" if v else "0"
    if isinstance(v, np.floating):
        # TensorFlow's FloatToBuffer/DoubleToBuffer: %g with FLT_DIG (DBL_DIG) digits when that
        # reads back exactly, else with 9 (17) digits.
        short, full = (6, 9) if v.dtype == np.float32 else (15, 17)
        text = format(float(v), f".{short}g")
        return text if v.dtype.type(text) == v or np.isnan(v) else format(float(v), f".{full}g")
    return str(v)


def format_tensor(a: np.ndarray, summarize: int = 3) -> str:
    """TensorFlow's tf.print text for an array."""
    a = np.asarray(a)
    if a.ndim == 0:
        return _scalar(a[()])

    def rec(x: np.ndarray, depth: int) -> str:
        n = x.shape[0]
        idx: list[int | None] = list(range(n))
        if summarize >= 0 and n > 2 * summarize:
            idx = list(range(summarize)) + [None] + list(range(n - summarize, n))
        if x.ndim == 1:
            return "[" + " ".join("..." if i is None else _scalar(x[i]) for i in idx) + "]"
        rows = ["..." if i is None else rec(x[i], depth + 1) for i in idx]
        joiner = "\n" * (x.ndim - 1) + " " * (depth + 1)
        return "[" + joiner.join(rows) + "]"

    return rec(a, 0)


def _render(parts: list[tuple[str, Any]], sep: str, end: str, summarize: int) -> str:
    return sep.join(text if kind == "s" else format_tensor(text, summarize) for kind, text in parts) + end


def print(*inputs: Any, output_stream: Any = None, sep: str = " ", end: str = "\n", summarize: int = 3,
          name: str | None = None) -> None:  # noqa: A001  (tf.print)
    """Print `inputs` when the function runs (TensorFlow's tf.print; stderr by default)."""
    del name
    stream = output_stream if hasattr(output_stream, "write") else None
    tr = current()
    if tr is None:
        parts = [("t", x.numpy()) if isinstance(x, EagerTensor) else ("s", str(x)) for x in inputs]
        (stream or sys.stderr).write(_render(parts, sep, end, summarize))
        return None
    staged: list[tuple[str, Any]] = []
    for x in inputs:
        if isinstance(x, (Tensor, EagerTensor)):
            tr.print_outputs.append(to_value(x))
            staged.append(("t", len(tr.print_outputs) - 1))
        else:
            staged.append(("s", str(x)))
    tr.prints.append(PrintPlan(staged, stream, sep, end, summarize))
    return None


def run_prints(plans: list[Any], values: list[np.ndarray]) -> None:
    """Run the staged prints (and run-time checks, api/checks.py) of one call, in program
    order, given the values of their outputs."""
    for p in plans:
        p.run(values)
