"""Top-level ops TensorFlow defines in its nn/array modules (filled in with the surface)."""

from __future__ import annotations

__all__: list[str] = []
