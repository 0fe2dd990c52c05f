"""The `gradc.nn` namespace (TensorFlow's `tf.nn`)."""

from __future__ import annotations

from .math_ops import sigmoid, tanh
from .nn_ops import l2_loss, log_softmax, relu, softmax, softmax_cross_entropy_with_logits

__all__ = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "softmax_cross_entropy_with_logits",
           "l2_loss"]
