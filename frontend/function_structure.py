"""Call structure of a gradc function: arguments in, results out.

A call's arguments become a hashable signature key plus the list of array leaves (the native
code's inputs); at trace time the same nesting is rebuilt with one placeholder per leaf. The
traced result's nesting of lists, tuples, dicts and None becomes a template whose tensor
leaves are output indices, and `_rebuild` / `_builder` turn output arrays back into it.

Arguments nest in lists, tuples and dicts. A call with keyword arguments to a function with
keyword-only, `*args` or `**kwargs` parameters is bound first (`BoundCall`: one value per
parameter) and `call_form` turns it back into a call. Big-endian arrays enter as native-order
copies, as NumPy and TensorFlow convert them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Value
from gradc.compiler.ir.types import DType, TensorType

from .tensor import EagerTensor, Result, Tensor
from .tracing import to_value, wrap

# -- argument flattening ---------------------------------------------------------------------------


class BoundCall(tuple):  # type: ignore[type-arg]
    """Call arguments bound to the function's parameters: one value per parameter, in order
    (`*args` as a tuple, `**kwargs` as a dict). Plain tuples are positional arguments."""


def bind_call(func: Callable[..., Any], args: Sequence[Any], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """`func(*args, **kwargs)`'s arguments with defaults applied (Python's TypeError if they do
    not fit): positional when every parameter can be passed by position, else a BoundCall."""
    sig = inspect.signature(func)
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    values = tuple(bound.arguments.values())
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if all(p.kind in positional for p in sig.parameters.values()):
        return values
    return BoundCall(values)


def call_form(func: Callable[..., Any], args: Sequence[Any], values: Sequence[Any]) -> tuple[list[Any], dict[str, Any]]:
    """The positional and keyword arguments that call `func` with `values`, which stand for
    `args` leaf for leaf (the placeholders of a trace)."""
    if not isinstance(args, BoundCall):
        return list(values), {}
    pos: list[Any] = []
    kw: dict[str, Any] = {}
    P = inspect.Parameter
    for p, v in zip(inspect.signature(func).parameters.values(), values, strict=True):
        if p.kind is P.VAR_POSITIONAL:
            pos.extend(v)
        elif p.kind is P.KEYWORD_ONLY:
            kw[p.name] = v
        elif p.kind is P.VAR_KEYWORD:
            kw.update(v)
        else:
            pos.append(v)
    return pos, kw


def native_order(a: np.ndarray) -> np.ndarray:
    """`a` in the machine's byte order (a converted copy of a big-endian array, as TF makes)."""
    return a if a.dtype.isnative else a.astype(a.dtype.newbyteorder("="))


def _flatten_args(args: Sequence[Any]) -> tuple[tuple[Any, ...], list[np.ndarray]]:
    """Split call arguments into a hashable key and the list of array leaves."""
    arrays: list[np.ndarray] = []

    def key(a: Any) -> Any:
        if isinstance(a, EagerTensor):
            a = a.array
        if isinstance(a, np.ndarray):
            DType.from_np(a.dtype)  # unsupported dtypes fail here, before any tracing
            a = native_order(a)
            arrays.append(a)
            return ("T", a.shape, a.dtype.str)
        if isinstance(a, np.generic):
            a = native_order(np.asarray(a))
            arrays.append(a)
            return ("T", (), a.dtype.str)
        if isinstance(a, (list, tuple)):
            return (type(a).__name__, tuple(key(v) for v in a))
        if isinstance(a, dict):
            return ("dict", tuple((k, key(v)) for k, v in a.items()))
        if isinstance(a, Tensor):
            raise TypeError("a symbolic Tensor cannot be passed to a compiled function from outside a trace")
        if a is None or isinstance(a, (bool, int, float, str)):
            return ("P", type(a).__name__, a)
        # Any other Python object (a callable, an enum, a model instance as `self`) is a
        # compile-time value: one trace per distinct (equal) value, as TF keys hashable objects.
        try:
            hash(a)
        except TypeError:
            raise TypeError(f"unsupported argument type {type(a).__name__} for a gradc function: "
                            "Python arguments other than tensors must be hashable (they select "
                            "the trace)") from None
        return ("O", type(a), a)

    k = tuple(key(a) for a in args)
    if isinstance(args, BoundCall):  # not the same call as these values passed by position
        k = ("bound", *k)
    return k, arrays


def _placeholders(b: Builder, names: list[str], args: Sequence[Any]) -> list[Any]:
    """Rebuild the arguments with a placeholder (function argument) per array leaf."""

    def build(a: Any, name: str) -> Any:
        if isinstance(a, EagerTensor):
            a = a.array
        if isinstance(a, (np.ndarray, np.generic)):
            arr = np.asarray(a)
            return wrap(b.add_arg(name, TensorType(tuple(arr.shape), DType.from_np(arr.dtype))))
        if isinstance(a, (list, tuple)):
            return type(a)(build(v, f"{name}_{i}") for i, v in enumerate(a))
        if isinstance(a, dict):
            return {k: build(v, f"{name}_{k}" if isinstance(k, str) and k.isidentifier() else f"{name}_{i}")
                    for i, (k, v) in enumerate(a.items())}
        return a

    return [build(a, n) for a, n in zip(args, names)]


# -- output structure -------------------------------------------------------------------------------


def _flatten_result(obj: Any, outs: list[Value]) -> Any:
    """Replace each tensor leaf of the result by its output index; keep lists/tuples/None."""
    if obj is None:
        return None
    if isinstance(obj, tuple):
        return tuple(_flatten_result(o, outs) for o in obj)
    if isinstance(obj, list):
        return [_flatten_result(o, outs) for o in obj]
    if isinstance(obj, dict):
        return {k: _flatten_result(v, outs) for k, v in obj.items()}
    outs.append(to_value(obj))
    return ("out", len(outs) - 1)


@dataclass
class WithPrints:
    """A result template whose function also has gradc.print calls (outputs from `first`)."""

    template: Any
    prints: list[Any]  # print plans and run-time checks (api/checks.py), in program order
    first: int

    @property
    def what(self) -> str:
        """What needs Python when the function runs (for the AOT compiler's refusal)."""
        kinds = {type(p).__name__ for p in self.prints}
        parts = ["calls gradc.print"] if "PrintPlan" in kinds else []
        if kinds - {"PrintPlan"}:
            parts.append("checks values when it runs (an integer pow with an exponent known only "
                         "then raises InvalidArgumentError if it is negative)")
        return " and ".join(parts)

    def run(self, results: list[np.ndarray]) -> None:
        from .api.printing import run_prints

        run_prints(self.prints, results[self.first:])


def _rebuild(template: Any, results: list[np.ndarray]) -> Any:
    if isinstance(template, WithPrints):
        template.run(results)
        return _rebuild(template.template, results)
    if template is None:
        return None
    if isinstance(template, tuple) and len(template) == 2 and template[0] == "out":
        return results[template[1]].view(Result)
    if isinstance(template, tuple):
        return tuple(_rebuild(t, results) for t in template)
    if isinstance(template, list):
        return [_rebuild(t, results) for t in template]
    if isinstance(template, dict):
        return {k: _rebuild(v, results) for k, v in template.items()}
    raise AssertionError(template)


def _builder(template: Any) -> Callable[[list[np.ndarray]], Any]:
    """A function rebuilding the result structure from output arrays (precompiled `_rebuild`).

    Outputs arrive as `Result` arrays already; an output index used twice gets a view the
    second time, so callers never see one object in two places.
    """
    if isinstance(template, WithPrints):
        inner, wp = _builder(template.template), template

        def with_prints(r: list[np.ndarray]) -> Any:
            wp.run(r)
            return inner(r)

        return with_prints
    seen: set[int] = set()

    def build(t: Any) -> Callable[[list[np.ndarray]], Any]:
        if t is None:
            return lambda r: None
        if isinstance(t, tuple) and len(t) == 2 and t[0] == "out":
            i = t[1]
            if i in seen:
                return lambda r: r[i].view(Result)
            seen.add(i)
            return lambda r: r[i]
        if isinstance(t, (tuple, list)):
            parts = [build(x) for x in t]
            if type(t) is list and len(parts) == 1:
                p0 = parts[0]
                return lambda r: [p0(r)]
            cls = type(t)
            return lambda r: cls([p(r) for p in parts])
        if isinstance(t, dict):
            items = [(k, build(v)) for k, v in t.items()]
            return lambda r: {k: p(r) for k, p in items}
        raise AssertionError(t)

    return build(template)
