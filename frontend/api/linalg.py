"""The `gradc.linalg` namespace (TensorFlow's `tf.linalg`)."""

from __future__ import annotations

from .math_ops import matmul

__all__ = ["matmul"]
