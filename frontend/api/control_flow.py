"""`cond(pred, true_fn, false_fn)`: a Python-valued predicate picks one branch at compile time;
a tensor predicate stages both branches and selects their results elementwise.

Selecting gives TensorFlow's gradients for tf.cond: the taken branch's inputs get their
gradient, an input used only by the untaken branch gets zeros (not None), and an input used
by neither gets None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..tensor import EagerTensor, Tensor
from ..tracing import apply, current


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
    return apply("select", [pred, t, f], name="cond", dtype="common")


def cond(pred: Any, true_fn: Callable[[], Any] | None = None, false_fn: Callable[[], Any] | None = None,
         name: str | None = None) -> Any:
    """TensorFlow's tf.cond."""
    if true_fn is None or false_fn is None:
        raise TypeError("cond(): true_fn and false_fn are required and must be callable")
    if not isinstance(pred, Tensor) or current() is None:
        value = bool(pred.numpy() if isinstance(pred, EagerTensor) else pred)
        return true_fn() if value else false_fn()
    if pred.shape != ():
        raise ValueError(f"cond(): pred must be a scalar bool tensor, got shape {pred.shape}")
    tr = current()
    assert tr is not None
    with tr.builder.name_scope(f"{name or 'cond'}/true"):
        t = true_fn()
    with tr.builder.name_scope(f"{name or 'cond'}/false"):
        f = false_fn()
    return _select(pred, t, f)


__all__ = ["cond"]
