"""The `gradc.linalg` namespace (TensorFlow's `tf.linalg`)."""

from __future__ import annotations
