"""TensorFlow's op-naming idiom for the op functions, staged or eager.

TF's Python wrappers run `with name_scope(name) as scope:` convert Python inputs to constants
*inside* that scope (`mul/y`), build helper ops there (`truediv/Cast`), then create the final op
with the scope's own name (`mul`). So `x * 2.0` consumes no root-level `Const` name and later
`tf.constant` calls keep TF's names. `OpScope` reproduces this on gradc's builder; outside a
trace (eager mode) it only converts values.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from gradc.compiler.ir.types import DType

from ..tensor import EagerTensor, Tensor
from ..tracing import apply, common_dtype, current, dtype_of, to_array, to_value, wrap


class OpScope:
    """`with OpScope("truediv") as s: x = s.convert(x, dt, "x") ...; op(..., name=s.final_name())`."""

    def __init__(self, name: str) -> None:
        tr = current()
        self.builder = tr.builder if tr is not None else None
        self.name = name
        self.scope: str | None = None
        self._cm: Any = None

    @property
    def staged(self) -> bool:
        return self.builder is not None

    def __enter__(self) -> OpScope:
        if self.builder is not None:
            self._cm = self.builder.name_scope(self.name)
            self.scope = self._cm.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._cm is not None:
            self._cm.__exit__(*exc)

    def reenter(self) -> contextlib.AbstractContextManager[Any]:
        """Back inside the scope after the final op (TF code that reshapes a result)."""
        if self.builder is None or self.scope is None:
            return contextlib.nullcontext()
        return self.builder.name_scope(self.scope + "/")

    def convert(self, x: Any, dtype: DType | None, arg: str) -> Any:
        """A Python/NumPy input as a tensor; staged, a constant named `<scope>/<arg>`."""
        if isinstance(x, (Tensor, EagerTensor)):
            return x
        want = dtype if dtype_of(x) is None else None
        if self.builder is None:
            return EagerTensor(to_array(x, want))
        return wrap(to_value(x, want, name=arg))

    def final_name(self) -> str:
        """Call after leaving the scope: the name under which the next op gets the scope's name.

        The builder unique-ifies every op name; freeing the scope's entry in `names_in_use`
        makes it hand the same name out again, exactly once, as TF's `name=scope` does.
        """
        if self.builder is None or self.scope is None:
            return self.name
        self.builder.fn.names_in_use.pop(self.scope.lower(), None)
        return self.scope.rsplit("/", 1)[-1]


def is_raw(x: Any) -> bool:
    """Python scalars, lists and NumPy data: converted to constants by the op function."""
    return not isinstance(x, (Tensor, EagerTensor))


def call(
    opdef: str,
    inputs: Sequence[Any],
    name: str,
    attrs: dict[str, Any] | None = None,
    args: Sequence[str] = ("x", "y"),
    dtype: DType | None | str = "common",
) -> Any:
    """Run or stage `opdef` named `name`, converting raw inputs as TF's op wrappers do.

    `dtype="common"`: raw inputs take the dtype of the first typed input (`2 * a`).
    """
    want = common_dtype(inputs) if dtype == "common" else dtype
    assert want is None or isinstance(want, DType)
    if not any(is_raw(x) for x in inputs):
        return apply(opdef, inputs, attrs, name=name, dtype=None)
    with OpScope(name) as s:
        vals = [s.convert(x, want, a) for x, a in zip(inputs, _arg_names(args, len(inputs)), strict=True)]
    return apply(opdef, vals, attrs, name=s.final_name(), dtype=None)


def _arg_names(args: Sequence[str], n: int) -> list[str]:
    if len(args) >= n:
        return list(args[:n])
    return [f"{args[0]}_{i}" for i in range(n)]


def reserve(*names: str) -> None:
    """Consume names TF spends on helper ops gradc does not need (e.g. reduce's axis `Const`)."""
    tr = current()
    if tr is not None:
        for n in names:
            tr.builder.unique_name(n)
