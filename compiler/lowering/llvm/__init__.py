"""LLVM lowering (llvmlite): an optimised Function becomes one native entry function.

`lower(fn)` returns the module text, entry symbol and buffer plan; `gradc.runtime.jit`
compiles and runs it.
"""

from .module import BufferPlan, LoweredModule, Slot, lower, plan_buffers

__all__ = ["BufferPlan", "LoweredModule", "Slot", "lower", "plan_buffers"]
