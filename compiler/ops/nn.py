"""Neural-network ops: Softmax, LogSoftmax, L2Loss and SoftmaxCrossEntropyWithLogits.

Each is a composite for code generation (`Expand`): it becomes max/sub/exp/sum/div/log ops
with the numerically stable formulas TensorFlow's kernels use (subtract the row max first).
The NumPy kernels compute the same formulas, so the interpreter matches the native code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..ir.types import TensorType
from .common import FLOATS, require_dtype, same_dtype
from .registry import Attrs, Expand, OpDef, register


def _quiet() -> np.errstate:  # IEEE results (inf, nan) are the contract, not warnings
    return np.errstate(all="ignore")


def _last_axis_infer(tf_type: str) -> Any:
    def infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
        require_dtype(types[0], FLOATS, tf_type, "logits")
        if types[0].rank < 1:
            raise ShapeError(f"Shape must be at least rank 1 but is rank {types[0].rank}")
        return [types[0]]

    return infer


def _softmax_np(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _log_softmax_np(x: np.ndarray) -> np.ndarray:
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _shifted(b: Any, x: Any) -> Any:
    """x - max(x, last axis, keepdims): exp of it never overflows."""
    last = (x.type.rank - 1,)
    return b.emit("sub", x, b.emit("max", x, axes=last, keepdims=True, name="Max"), name="sub")


def _expand_softmax(b: Any, op: Any) -> list[Any]:
    with b.name_scope(op.name + "/"):
        e = b.emit("exp", _shifted(b, op.operands[0]), name="Exp")
        s = b.emit("sum", e, axes=(e.type.rank - 1,), keepdims=True, name="Sum")
        return [b.emit("div", e, s, name="truediv")]


def _expand_log_softmax(b: Any, op: Any) -> list[Any]:
    with b.name_scope(op.name + "/"):
        sh = _shifted(b, op.operands[0])
        s = b.emit("sum", b.emit("exp", sh, name="Exp"), axes=(sh.type.rank - 1,), keepdims=True, name="Sum")
        return [b.emit("sub", sh, b.emit("log", s, name="Log"), name="sub_1")]


def _with_quiet(fn: Any) -> Any:
    def kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
        with _quiet():
            return [np.asarray(fn(xs[0])).astype(xs[0].dtype, copy=False)]

    return kernel


register(OpDef("softmax", "Softmax", _last_axis_infer("Softmax"), _with_quiet(_softmax_np),
               Expand(_expand_softmax)))
register(OpDef("log_softmax", "LogSoftmax", _last_axis_infer("LogSoftmax"), _with_quiet(_log_softmax_np),
               Expand(_expand_log_softmax)))


# -- L2Loss: sum(x * x) / 2 ---------------------------------------------------------------------


def _l2_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    require_dtype(types[0], FLOATS, "L2Loss", "t")
    return [TensorType((), types[0].dtype)]


def _expand_l2(b: Any, op: Any) -> list[Any]:
    x = op.operands[0]
    with b.name_scope(op.name + "/"):
        s = b.emit("sum", b.emit("mul", x, x, name="mul"), axes=None, keepdims=False, name="Sum")
        return [b.emit("div", s, b.constant(np.asarray(2, x.type.dtype.np), name="Const"), name="truediv")]


register(OpDef("l2_loss", "L2Loss", _l2_infer,
               _with_quiet(lambda x: np.sum(x * x) / x.dtype.type(2)), Expand(_expand_l2)))


# -- SoftmaxCrossEntropyWithLogits: (loss (batch,), backprop (batch, classes)) -------------------


def _xent_infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    logits, labels = types
    dt = same_dtype(types, "SoftmaxCrossEntropyWithLogits", ("features", "labels"))
    require_dtype(logits, FLOATS, "SoftmaxCrossEntropyWithLogits", "features")
    if logits.rank != 2 or labels.rank != 2:
        raise ShapeError("logits and labels must be either 2-dimensional, or broadcasted to be "
                         f"2-dimensional (ranks {logits.rank} and {labels.rank})")
    if logits.shape != labels.shape:
        raise ShapeError(f"logits and labels must be same size: logits_size={list(logits.shape)} "
                         f"labels_size={list(labels.shape)}")
    return [TensorType((logits.shape[0],), dt), logits]


def _xent_kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    logits, labels = xs
    with _quiet():
        shifted = logits - np.max(logits, axis=1, keepdims=True)
        sum_exp = np.sum(np.exp(shifted), axis=1, keepdims=True)
        loss = np.sum(labels * (np.log(sum_exp) - shifted), axis=1)
        backprop = np.exp(shifted) / sum_exp - labels
    return [loss.astype(logits.dtype, copy=False), backprop.astype(logits.dtype, copy=False)]


def _expand_xent(b: Any, op: Any) -> list[Any]:
    logits, labels = op.operands
    with b.name_scope(op.name + "/"):
        sh = _shifted(b, logits)
        e = b.emit("exp", sh, name="Exp")
        s = b.emit("sum", e, axes=(1,), keepdims=True, name="Sum")
        log_sum = b.emit("log", s, name="Log")
        per_class = b.emit("mul", labels, b.emit("sub", log_sum, sh, name="sub_1"), name="mul")
        loss = b.emit("sum", per_class, axes=(1,), keepdims=False, name="Sum_1")
        backprop = b.emit("sub", b.emit("div", e, s, name="truediv"), labels, name="sub_2")
        return [loss, backprop]


register(OpDef("softmax_xent", "SoftmaxCrossEntropyWithLogits", _xent_infer, _xent_kernel,
               Expand(_expand_xent), num_results=2))
