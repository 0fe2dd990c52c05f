"""The op registry and every op definition (importing this package registers them all)."""

from . import control, creation, elementwise, linalg, misc, nn, reduction, shape  # noqa: F401  (registration side effect)
from .registry import REGISTRY, OpDef, get

__all__ = ["REGISTRY", "OpDef", "get"]
