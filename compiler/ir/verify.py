"""The IR verifier: the invariants every pass must preserve (linear in the number of ops).

Checks, in one walk over the ops: each operand is an argument or a result of an earlier op of
this function; each op's results belong to it; its result types equal what its OpDef infers
now from the operand types and attributes; op and argument names are unique
(case-insensitively, as TensorFlow's names are); every output is defined. A failure is a
compiler bug, reported as VerifyError naming the op, its TF name and its source location.
"""

from __future__ import annotations

from ..errors import VerifyError
from ..ops import registry
from .core import Function, Op, Value


def verify(fn: Function) -> None:
    """Raise VerifyError on the first broken invariant of `fn`."""
    defined: set[Value] = set()
    names: dict[str, str | Op] = {}
    for i, v in enumerate(fn.args):
        if v.op is not None:
            raise VerifyError(f"@{fn.name}: argument {i} ({v.name}) is the result of op {v.op.name!r}")
        if v in defined:
            raise VerifyError(f"@{fn.name}: argument {v.name} appears twice")
        _claim(fn, names, v.arg_name, f"argument {v.arg_name!r}")
        defined.add(v)
    for op in fn.ops:
        _verify_op(fn, op, defined)
        _claim(fn, names, op.name, op)
        defined.update(op.results)
    for i, v in enumerate(fn.outputs):
        if v not in defined:
            raise VerifyError(f"@{fn.name}: output {i} ({v.name}) is not defined in the function")


def _where(op: Op) -> str:
    return f"op {op.name!r} (gradc.{op.opdef}) at {op.loc}"


def _claim(fn: Function, names: dict[str, str | Op], name: str, what: str | Op) -> None:
    """Record `name` (case-insensitively) for `what`: a description or an op, described lazily."""
    if not name:
        raise VerifyError(f"@{fn.name}: {_describe(what)} has no name")
    key = name.lower()
    if key in names:
        raise VerifyError(f"@{fn.name}: {_describe(what)} reuses the name of {_describe(names[key])}")
    names[key] = what


def _describe(what: str | Op) -> str:
    return what if isinstance(what, str) else _where(what)


def _verify_op(fn: Function, op: Op, defined: set[Value]) -> None:
    # The op's description is built only on failure: formatting it for every op was a third of
    # the verifier's time on large functions.
    def where() -> str:
        return f"@{fn.name}: {_where(op)}"

    try:
        od = registry.get(op.opdef)
    except KeyError as e:
        raise VerifyError(f"{where()}: {e.args[0]}") from None
    for k, v in enumerate(op.operands):
        if v not in defined:
            raise VerifyError(f"{where()}: operand {k} ({v.name}) is not defined before its use")
    for k, r in enumerate(op.results):
        if r.op is not op or r.index != k:
            raise VerifyError(f"{where()}: result {k} does not belong to this op")
        if r in defined:
            raise VerifyError(f"{where()}: result {k} is defined twice")
    # Inference may normalise attrs in place: give it a copy so verifying never edits the IR.
    try:
        inferred = od.infer([v.type for v in op.operands], dict(op.attrs))
    except Exception as e:  # noqa: BLE001 - any inference failure means the op is invalid
        raise VerifyError(f"{where()}: inference fails: {type(e).__name__}: {e}") from None
    actual = [r.type for r in op.results]
    if inferred != actual:
        have = ", ".join(str(t) for t in actual)
        want = ", ".join(str(t) for t in inferred)
        raise VerifyError(f"{where()}: result types ({have}) differ from the inferred ({want})")
