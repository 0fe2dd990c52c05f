"""gradc.runtime: the JIT, calling convention, caches, AOT and the NumPy reference interpreter."""
