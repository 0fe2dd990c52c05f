"""gradc.compiler: the IR, the op registry, autodiff, passes and lowering (knows no Python source)."""
