"""`cond(pred, true_fn, false_fn)`: a Python-valued predicate picks one branch at compile time;
a tensor predicate stages both branches and selects their results.

TensorFlow differentiates a tf.cond as a whole: the taken branch's inputs get their gradient,
an input used only by the untaken branch gets zeros (not None), an input used by neither gets
None, and nothing computed in the untaken branch (a log(0), an overflowing exp) can leak a NaN
into the gradient. gradc gets the same with straight-line IR: every tensor a branch captures
from outside enters it through a gate `select(pred, x, 0)` (`select(pred, 0, x)` for the false
branch). Forward, the gate is x in the taken branch; backward, its rule `select(pred, g, 0)`
passes the taken branch's gradient and replaces whatever the untaken branch produced by
zeros, exactly as TF's If gradient does. Branch outputs are combined by selects named
`cond/Identity[_k]`, as TF names them.

The gates read the captured tensors through one `cond_inputs` op named like TF's If op
(`cond`, `cond_1`, ...), with TF's input order: the true branch's captures in capture order,
then the false branch's that are not inputs yet. Its gradient rule sums both branches'
contributions and names them `<scope>/cond_grad/Identity[_k]`, as TF's If gradient does.
The op can only be built once both branches are staged (their captures are known then), so it
is moved in front of the gates afterwards (`_stage_inputs`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradc.compiler.ir.core import Value

from ..tensor import EagerTensor, Tensor
from ..tracing import Trace, apply, current


@dataclass
class CondFrame:
    """One branch being staged: its predicate, which branch, and where its ops begin."""

    pred: Value
    branch: bool
    outside: set[int]  # ids of the ops that existed when the branch began
    scope: str
    gates: dict[Value, Value] = field(default_factory=dict)


def _external(tr: Trace, frame: CondFrame, v: Value) -> bool:
    return v.op is None or id(v.op) in frame.outside


def gate_captured(tr: Trace, v: Value) -> Value:
    """`v` as seen inside the innermost branch: gated by every branch it comes from outside of."""
    outside = [f for f in tr.cond_frames if _external(tr, f, v)]
    for f in outside:
        if v not in f.gates:
            b = tr.builder
            with b.name_scope(f.scope + "/"):
                zero = b.constant(np.zeros((), v.type.dtype.np), name="zeros")
                pair = (v, zero) if f.branch else (zero, v)
                f.gates[v] = b.emit("select", f.pred, *pair, name="input")
        v = f.gates[v]
    return v


def _capture_outputs(tr: Trace, out: Any) -> Any:
    """A branch's outputs as seen inside it: a tensor it returns from outside is captured too.

    TF captures such a tensor as an input of the If op, so its gradient comes out of the If
    gradient (`cond_grad/Identity_k`) rather than reaching it around the cond.
    """
    if isinstance(out, (list, tuple)):
        return type(out)(_capture_outputs(tr, o) for o in out)
    if isinstance(out, Tensor) and out.trace is tr:
        v = gate_captured(tr, out.value)
        return out if v is out.value else Tensor(v, tr)
    return out


def _structure_error(t: Any, f: Any) -> ValueError:
    return ValueError(
        "true_fn and false_fn arguments to tf.cond must have the same number, type, and overall "
        f"structure of return values. true_fn output: {t!r}, false_fn output: {f!r}"
    )


def _select(pred: Any, t: Any, f: Any) -> Any:
    if isinstance(t, (list, tuple)):
        if not isinstance(f, type(t)) or len(t) != len(f):
            raise _structure_error(t, f)
        return type(t)(_select(pred, a, b) for a, b in zip(t, f))
    if t is None or f is None:
        if t is not None or f is not None:
            raise _structure_error(t, f)
        return None
    ts = tuple(getattr(t, "shape", np.shape(t)))
    fs = tuple(getattr(f, "shape", np.shape(f)))
    if ts != fs:
        raise ValueError(
            f"tf.cond branches return different shapes {ts} and {fs}: gradc compiles static shapes, "
            "so both branches must return the same shape (broadcast or reshape one of them)"
        )
    return apply("select", [pred, t, f], name="Identity", dtype="common")


def cond(pred: Any, true_fn: Callable[[], Any] | None = None, false_fn: Callable[[], Any] | None = None,
         name: str | None = None) -> Any:
    """TensorFlow's tf.cond."""
    if true_fn is None or false_fn is None or not callable(true_fn) or not callable(false_fn):
        raise TypeError("cond(): true_fn and false_fn are required and must be callable")
    if isinstance(pred, (bool, np.bool_)):
        raise TypeError("pred must not be a Python bool")  # TensorFlow's check, kept for parity
    tr = current()
    if not isinstance(pred, Tensor) or tr is None:
        value = bool(pred.numpy() if isinstance(pred, EagerTensor) else pred)
        return true_fn() if value else false_fn()
    if pred.shape != () or not pred.dtype.is_bool:
        raise ValueError(f"cond(): pred must be a scalar bool tensor, got {pred!r}")
    from ..tracing import to_value

    p = to_value(pred)
    # Staging appends ops (no insertion point), so this cond's ops are exactly fn.ops[start:].
    assert tr.builder.insert_at is None, "cond is staged by appending ops"
    start = len(tr.fn.ops)
    outs, frames = [], []
    with tr.builder.name_scope(name or "cond") as scope:
        for branch, fn in ((True, true_fn), (False, false_fn)):
            frame = CondFrame(p, branch, {id(op) for op in tr.fn.ops}, scope)
            frames.append(frame)
            tr.cond_frames.append(frame)
            try:
                outs.append(_capture_outputs(tr, fn()))
            finally:
                tr.cond_frames.pop()
        _stage_inputs(tr, p, scope, start, frames[0], frames[1])
        # TF's If op feeds each output through an Identity: outputs are cond/Identity[_k].
        return _select(pred, outs[0], outs[1])


def _stage_inputs(tr: Trace, pred: Value, scope: str, start: int, true_f: CondFrame, false_f: CondFrame) -> None:
    """Record the branches' ops and route the captured tensors through a `cond_inputs` op.

    Must run after both branches are staged: the inputs are their captures, in TF's order,
    after the predicate (TF's If input 0: autodiff then reaches the predicate's producer last
    through this op, in TF's order, whatever else reads the predicate). The op is created
    last, then placed before every op of this cond except those its own operands need (outer
    conds' gates and their zeros, created while staging this cond), and each gate is rewired
    to read its branch's result instead of the captured tensor.
    """
    fn = tr.fn
    segment = fn.ops[start:]
    for op in segment:  # nested conds finished first: each op keeps its innermost cond's scope
        fn.branch_ops.setdefault(op.name, scope)
    captures = list(true_f.gates) + [v for v in false_f.gates if v not in true_f.gates]
    if not captures:
        return
    inputs = tr.builder.create("cond_inputs", [pred, *captures], name=scope + "/")
    assert fn.ops[-1] is inputs
    n = len(captures)
    index = {v: k for k, v in enumerate(captures)}
    for frame, base, slot in ((true_f, 0, 1), (false_f, n, 2)):  # the gate's operand x
        for v, gate in frame.gates.items():
            assert gate.op is not None and gate.op.operands[slot] is v
            gate.op.operands[slot] = inputs.results[base + index[v]]
    # Valid order: the ops `inputs` depends on keep their relative order and come first; every
    # other op of the segment reads only earlier values, those ops, `inputs` or each other.
    in_segment = {id(op) for op in segment}
    needed: set[int] = set()
    stack = [v.op for v in inputs.operands if v.op is not None and id(v.op) in in_segment]
    while stack:
        op = stack.pop()
        if id(op) not in needed:
            needed.add(id(op))
            stack.extend(u.op for u in op.operands if u.op is not None and id(u.op) in in_segment)
    fn.ops[start:] = ([op for op in segment if id(op) in needed] + [inputs]
                      + [op for op in segment if id(op) not in needed])


__all__ = ["cond"]
