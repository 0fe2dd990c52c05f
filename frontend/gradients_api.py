"""`gradients` and `hessians` with tf.gradients' signature, argument handling and checks.

This layer turns user arguments into IR values in TensorFlow's order of checks (eager call,
`unconnected_gradients`, then the compiler's length/dtype/aggregation checks) and wraps the
results; the algorithm itself is `gradc.compiler.autodiff.gradients`.
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np

from gradc.compiler.autodiff.gradients import gradients as _ir_gradients
from gradc.compiler.ir.core import Value

from .tensor import EagerTensor, Tensor
from .tracing import current, to_value, wrap


class AggregationMethod:
    """TF's gradient aggregation methods (all give the same values; graphs differ)."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


class UnconnectedGradients(enum.Enum):
    """What an x that no y depends on gets: None, or zeros of x's shape and dtype."""

    NONE = "none"
    ZERO = "zero"


def _as_list(x: Any) -> list[Any]:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _unconnected(value: Any) -> str:
    if isinstance(value, UnconnectedGradients):
        return value.value
    if isinstance(value, str) and value in ("none", "zero"):
        return value
    raise ValueError(f"Unknown value for unconnected_gradients: {value!r}")


def _tensor_value(t: Any) -> Value:
    """A y, x or stop_gradients entry: tensors and Python data (None is TF's AttributeError)."""
    if t is None:
        raise AttributeError("'NoneType' object has no attribute 'op'")
    return to_value(t)


def gradients(
    ys: Any,
    xs: Any,
    grad_ys: Any = None,
    name: str | None = "gradients",
    gate_gradients: bool = False,
    aggregation_method: Any = None,
    stop_gradients: Any = None,
    unconnected_gradients: Any = UnconnectedGradients.NONE,
) -> list[Tensor | None]:
    """Symbolic partial derivatives of sum(ys) w.r.t. each x (TensorFlow's tf.gradients)."""
    tr = current()
    if tr is None:
        raise RuntimeError(
            "tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape "
            "instead (or call it inside a @gradc.function)."
        )
    mode = _unconnected(unconnected_gradients)
    ys_l, xs_l = _as_list(ys), _as_list(xs)
    stops = [] if stop_gradients is None else _as_list(stop_gradients)
    y_vals = [_tensor_value(y) for y in ys_l]
    x_vals = [_tensor_value(x) for x in xs_l]
    stop_vals = []
    for s in stops:
        if s is None or isinstance(s, (int, float)):
            raise AttributeError(f"'{type(s).__name__}' object has no attribute 'op'")
        stop_vals.append(_tensor_value(s))
    gys: list[Value | np.ndarray | None] | None = None
    if grad_ys is not None:
        gys = []
        for g in _as_list(grad_ys):
            if g is None:
                gys.append(None)
            elif isinstance(g, Tensor):
                gys.append(to_value(g))
            else:
                from .tracing import to_array

                gys.append(to_array(g.numpy() if isinstance(g, EagerTensor) else g))
    results = _ir_gradients(
        tr.builder, y_vals, x_vals, gys, name, bool(gate_gradients), aggregation_method, stop_vals, mode
    )
    return [None if r is None else wrap(r) for r in results]


def hessians(
    ys: Any,
    xs: Any,
    gate_gradients: bool = False,
    aggregation_method: Any = None,
    name: str = "hessians",
) -> list[Tensor]:
    """TF's tf.hessians: one block per x of shape x.shape + x.shape (the Hessian of sum(ys)).

    TensorFlow runs a while loop over the flattened first gradient; gradc unrolls it at compile
    time (shapes are static), keeping TF's names: one `gradients` scope for the first-order
    call, the per-element gradients inside the `while` scope, the result a root `Reshape`.
    """
    from .api import array_ops

    del name  # TF ignores it too
    xs_l = _as_list(xs)
    first = gradients(ys, xs_l, gate_gradients=gate_gradients, aggregation_method=aggregation_method)
    tr = current()
    assert tr is not None
    out = []
    for g, x in zip(first, xs_l):
        if g is None:
            raise ValueError(
                "Tried to convert 'tensor' to a tensor and failed. Error: None values not supported."
            )
        flat = array_ops.reshape(g, [-1])
        n = int(np.prod(x.shape, dtype=np.int64))
        rows = []
        with tr.builder.name_scope("while") as scope:
            for j in range(n):
                gj = gradients(flat[j], x, gate_gradients=gate_gradients,
                               aggregation_method=aggregation_method, name=scope + "/gradients/")[0]
                if gj is None:
                    raise ValueError("None values not supported.")
                rows.append(gj)
        stacked = array_ops.stack(rows, axis=0) if rows else array_ops.zeros([0] + list(x.shape))
        out.append(array_ops.reshape(stacked, list(x.shape) + list(x.shape)))
    return out
