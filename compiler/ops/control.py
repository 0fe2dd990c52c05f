"""`cond_inputs`: the inputs of a staged `tf.cond`, TensorFlow's If op reduced to a pass-through.

TensorFlow stages a tf.cond as one If op whose inputs are the tensors its branches capture
(the true branch's captures in capture order, then the false branch's not already inputs),
and differentiates it as a whole: its gradient is one If op `<scope>/<cond>_grad` whose
outputs go through Identity ops `Identity`, `Identity_1`, ... one per input that has a
gradient, in input order. gradc stages both branches as straight-line IR, so the op only
carries the structure autodiff needs to reproduce those names and TF's gradient order:
operands are the predicate (TF's input 0, no result) and the n captured tensors in TF's input
order; results are each captured tensor twice, results[:n] as seen by the true branch's gates
and results[n:] as seen by the false branch's, so each branch's contribution reaches the
gradient rule separately and is summed inside it (TF sums nothing outside the If gradient,
and neither does gradc then). Every result is an operand: the op costs nothing (identity
views: aliases in the LLVM lowering, forwarded SSA values in MLIR).
"""

from __future__ import annotations

import numpy as np

from ..errors import DTypeError
from ..ir.types import TensorType
from .common import contiguous_strides
from .registry import Attrs, OpDef, View, ViewMap, register


def _infer(types: list[TensorType], attrs: Attrs) -> list[TensorType]:
    if not types or types[0].shape != () or not types[0].dtype.is_bool:
        raise DTypeError("cond_inputs: operand 0 must be the scalar bool predicate")
    return list(types[1:]) * 2


def _kernel(xs: list[np.ndarray], attrs: Attrs) -> list[np.ndarray]:
    return [x.copy() for x in xs[1:]] * 2


def _view(ins: list[TensorType], outs: list[TensorType], attrs: Attrs) -> list[ViewMap]:
    n = len(ins) - 1
    return [ViewMap(t.shape, contiguous_strides(t.shape), 0, operand=1 + k % n) for k, t in enumerate(outs)]


# num_results=0: two results per operand, decided by inference.
register(OpDef("cond_inputs", "StatelessIf", _infer, _kernel, View(_view), num_results=0,
               doc="the captured inputs of a tf.cond, once per branch (a pass-through)"))
