"""Neural-network ops (`gradc.nn.*`): relu, softmax, log_softmax, l2_loss and
softmax_cross_entropy_with_logits, with TF's op names and name scopes.

None of these is exported at top level (`tf.relu` does not exist); nn.py publishes them.
"""

from __future__ import annotations

from typing import Any

from ..tensor import EagerTensor, Tensor
from ..tracing import to_array
from .array_ops import cast, reshape, transpose
from .opscope import OpScope, call


def relu(features: Any, name: str | None = None) -> Any:
    return call("relu", [features], name or "Relu", args=("features",), dtype=None)


def _rank(x: Any) -> int:
    return len(x.shape) if isinstance(x, (Tensor, EagerTensor)) else to_array(x).ndim


def _swap_last(perm_rank: int, axis: int) -> list[int]:
    perm = list(range(perm_rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    return perm


def _last_axis_op(opdef: str, default: str, logits: Any, axis: Any, name: str | None) -> Any:
    """TF's _wrap_2d_function: a non-last axis is swapped to the end and back (transposes)."""
    rank = _rank(logits)
    ax = -1 if axis is None else int(axis)
    if rank == 0 or ax % rank == rank - 1:
        return call(opdef, [logits], name or default, args=("logits",), dtype=None)
    perm = _swap_last(rank, ax % rank)
    out = call(opdef, [transpose(logits, perm)], default, args=("logits",), dtype=None)
    return transpose(out, perm, name=name or "transpose")


def softmax(logits: Any, axis: Any = None, name: str | None = None) -> Any:
    return _last_axis_op("softmax", "Softmax", logits, axis, name)


def log_softmax(logits: Any, axis: Any = None, name: str | None = None) -> Any:
    return _last_axis_op("log_softmax", "LogSoftmax", logits, axis, name)


def l2_loss(t: Any, name: str | None = None) -> Any:
    return call("l2_loss", [t], name or "L2Loss", args=("t",), dtype=None)


def softmax_cross_entropy_with_logits(
    labels: Any, logits: Any, axis: int = -1, name: str | None = None
) -> Any:
    """TF 2.21's helper: logits and labels are flattened to 2-D (`Reshape`, `Reshape_1`), the
    SoftmaxCrossEntropyWithLogits op takes the scope's own name, and the loss is reshaped back
    (`Reshape_2`), all under `softmax_cross_entropy_with_logits/`.
    """
    with OpScope(name or "softmax_cross_entropy_with_logits") as s:
        logits = s.convert(logits, None, "logits")
        labels = s.convert(labels, None, "labels")
        labels = cast(labels, logits.dtype)
        shape = list(logits.shape)
        rank = len(shape)
        if rank == 0:
            raise ValueError("logits must have rank at least 1, got a scalar")
        ax = axis % rank
        if ax != rank - 1:
            # TF's _move_dim_to_end: the class axis goes last, other dims keep their order.
            perm = [k for k in range(rank) if k != ax] + [ax]
            logits, labels = transpose(logits, perm), transpose(labels, perm)
        out_shape = [d for k, d in enumerate(shape) if k != ax]
        classes = shape[ax]
        flat_logits = reshape(logits, [-1, classes])
        flat_labels = reshape(labels, [-1, list(labels.shape)[-1]])
    cost, _backprop = call("softmax_xent", [flat_logits, flat_labels], s.final_name(),
                           args=("features", "labels"), dtype=None)
    with s.reenter():
        return reshape(cost, out_shape)


__all__: list[str] = []
