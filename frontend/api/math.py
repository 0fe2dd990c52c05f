"""The `gradc.math` namespace (TensorFlow's `tf.math`)."""

from __future__ import annotations

from .math_ops import add, add_n, divide, multiply, negative, reduce_sum, subtract  # noqa: F401
