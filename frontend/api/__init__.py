"""The TF-compatible op functions, grouped as TensorFlow groups them (math, array, nn)."""
