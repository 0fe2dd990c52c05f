"""The `gradc.nn` namespace (TensorFlow's `tf.nn`)."""

from __future__ import annotations
