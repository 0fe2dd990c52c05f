"""What one compiled signature keeps, and the GRADC_VERIFY checks around it.

`Compiled` is a cache entry of `GradcFunction` (IR, result template, native entry point,
stage texts); `Lowered` is what `.lower()` returns, the texts of every compilation stage
(`.as_text(stage)`). `_check_round_trip` and `_Checked` are the verify mode: the IR text
must parse back to itself, and every call compares native results with the interpreter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradc.compiler.ir.core import Function

from .function_structure import _flatten_args, _rebuild

STAGES = ("source", "ir", "autodiff", "optimized", "llvm", "llvm-opt", "asm", "mlir")


@dataclass
class Compiled:
    """One traced and compiled signature."""

    ir: Function
    template: Any
    run: Callable[..., list[np.ndarray]]
    stages: dict[str, str] = field(default_factory=dict)


def _forward_view(fn: Function) -> Function:
    """The staged function without the ops autodiff added (the `ir` stage of dumps)."""
    keep = [op for op in fn.ops if op.name not in fn.autodiff_ops]
    defined = {id(a) for a in fn.args} | {id(r) for op in keep for r in op.results}
    ops = [op for op in keep if all(id(v) in defined for v in op.operands)]
    defined = {id(a) for a in fn.args} | {id(r) for op in ops for r in op.results}
    view = Function(fn.name, list(fn.args), ops, [v for v in fn.outputs if id(v) in defined])
    return view


def _check_round_trip(fn: Function) -> None:
    from gradc.compiler.errors import InternalError
    from gradc.compiler.ir.parser import parse_function
    from gradc.compiler.ir.printer import print_function

    text = print_function(fn)
    again = print_function(parse_function(text))
    if again != text:
        raise InternalError(f"IR text does not round-trip for {fn.name}:\n{text}\n---\n{again}")


class _Checked:
    """Runs the native code and the reference interpreter; raises if they disagree."""

    def __init__(self, fn: Function, native: Callable[..., list[np.ndarray]]) -> None:
        self.fn = fn
        self.native = native
        for attr in ("llvm_ir", "llvm_opt_ir", "asm"):
            setattr(self, attr, getattr(native, attr))

    def __call__(self, *arrays: np.ndarray) -> list[np.ndarray]:
        from gradc.compiler.errors import InternalError
        from gradc.runtime.interpreter import interpret

        got = self.native(*arrays)
        want = interpret(self.fn, arrays)
        for i, (g, w) in enumerate(zip(got, want)):
            same = g.shape == w.shape and g.dtype == w.dtype and (
                np.array_equal(g, w) if g.dtype.kind in "biu"
                else np.allclose(g, w, rtol=2e-6 if g.dtype == np.float64 else 2e-5, atol=1e-6, equal_nan=True)
                and np.array_equal(np.isnan(g), np.isnan(w))
            )
            if not same:
                raise InternalError(f"native output {i} of {self.fn.name} differs from the interpreter:\n"
                                    f"native {g!r}\ninterpreter {w!r}")
        return got


class Lowered:
    """Texts of every compilation stage for one signature."""

    def __init__(self, entry: Compiled) -> None:
        self.entry = entry

    @property
    def stages(self) -> list[str]:
        return list(self.entry.stages)

    def as_text(self, stage: str = "optimized") -> str:
        if stage == "mlir" and "mlir" not in self.entry.stages:
            from gradc.compiler.lowering.mlir import emit_mlir

            self.entry.stages["mlir"] = emit_mlir(self.entry.ir)
        if stage not in self.entry.stages:
            raise ValueError(f"unknown stage {stage!r}; stages: {', '.join(self.entry.stages)}")
        return self.entry.stages[stage]

    def __call__(self, *arrays: Any) -> Any:
        _, leaves = _flatten_args(arrays)
        return _rebuild(self.entry.template, self.entry.run(*leaves))
