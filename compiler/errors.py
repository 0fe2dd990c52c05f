"""Errors raised by the compiler for user mistakes (shape and dtype mismatches, invalid IR).

They subclass the builtin types TensorFlow raises in the same situations (`ValueError` for
shapes, `TypeError` for dtypes), so `except ValueError` works as it does with TF. Errors found
only when an op runs are TF's `OpError` family (`gradc.errors.InvalidArgumentError`).
"""

from __future__ import annotations


class ShapeError(ValueError):
    """Incompatible shapes for an op (TensorFlow raises ValueError)."""


class DTypeError(TypeError):
    """Incompatible dtypes for an op (TensorFlow raises TypeError)."""


class OpError(Exception):
    """An op failed on the values it got when it ran (TensorFlow's tf.errors.OpError)."""


class InvalidArgumentError(OpError):
    """An op got values it does not accept, found when it ran (tf.errors.InvalidArgumentError),
    e.g. an integer raised to a negative power."""


class IRParseError(ValueError):
    """Malformed IR text."""


class VerifyError(RuntimeError):
    """The IR broke an invariant: a compiler bug, reported with the offending op."""


class InternalError(RuntimeError):
    """A gradc bug, not a user mistake."""
