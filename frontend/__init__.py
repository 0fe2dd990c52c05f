"""gradc: TensorFlow-style gradient code compiled to native code."""
