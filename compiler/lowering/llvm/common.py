"""Shared LLVM-level helpers: element types, typed loads/stores, intrinsics and libm declarations.

Tensors live in memory in NumPy's layout; bool is one byte (i8) in memory and i1 in registers,
so every load/store of a bool converts at the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llvmlite import ir

from gradc.compiler.ir.types import DType

I1 = ir.IntType(1)
I8 = ir.IntType(8)
I32 = ir.IntType(32)
I64 = ir.IntType(64)
F32 = ir.FloatType()
F64 = ir.DoubleType()
PTR = ir.PointerType()
VOID = ir.VoidType()
LIBM_PREFIX = "gradc."
# Math functions called through libm (see Ctx.libm); the JIT resolves `gradc.<name>`.
LIBM_FUNCTIONS = ("exp", "log", "sin", "cos", "pow", "tanh", "log1p")

_MEM: dict[DType, ir.Type] = {
    DType.float32: F32,
    DType.float64: F64,
    DType.int32: I32,
    DType.int64: I64,
    DType.bool: I8,
}
_REG: dict[DType, ir.Type] = {**_MEM, DType.bool: I1}


def mem_type(dt: DType) -> ir.Type:
    """The in-memory element type (bool is a byte, as in NumPy)."""
    return _MEM[dt]


def reg_type(dt: DType) -> ir.Type:
    """The register type scalar code computes in (bool is i1)."""
    return _REG[dt]


def i64(n: int) -> ir.Constant:
    return ir.Constant(I64, n)


@dataclass
class Ctx:
    """State scalar emitters and kernels share while building one LLVM module."""

    module: ir.Module
    fastmath: bool = False
    helpers: dict[str, ir.Function] = field(default_factory=dict)

    @property
    def fm(self) -> tuple[str, ...]:
        """Fast-math flags for float instructions: none by default (exact IEEE, no contraction)."""
        return ("fast",) if self.fastmath else ()

    def intrinsic(self, name: str, ty: ir.Type, nargs: int = 1) -> ir.Function:
        """An overloaded LLVM math intrinsic such as llvm.exp.f32 (declared once per module)."""
        fnty = ir.FunctionType(ty, [ty] * nargs)
        return self.module.declare_intrinsic(name, [ty], fnty)

    def libm(self, name: str, ty: ir.Type, nargs: int = 1) -> ir.Function:
        """A C math function (`f`-suffixed for float32) under a private alias, `gradc.<sym>`.

        The alias hides the call from LLVM's library-call knowledge: otherwise the vectoriser
        widens the loop and then scalarises the call per lane (no vector libm here), which
        multiplies code size and compile time for no speed. The JIT maps the alias to libm.
        """
        sym = LIBM_PREFIX + (name + "f" if ty == F32 else name)
        fn = self.module.globals.get(sym)
        if fn is None:
            fn = ir.Function(self.module, ir.FunctionType(ty, [ty] * nargs), sym)
            fn.attributes.add("nounwind")
        return fn  # type: ignore[return-value]


def gep(b: ir.IRBuilder, ptr: ir.Value, idx: ir.Value, ty: ir.Type) -> ir.Value:
    return b.gep(ptr, [idx], inbounds=True, source_etype=ty)


def load(b: ir.IRBuilder, ptr: ir.Value, idx: ir.Value, dt: DType) -> ir.Value:
    """Load element `idx` of a tensor of dtype `dt` as a register value."""
    ty = mem_type(dt)
    v = b.load(gep(b, ptr, idx, ty), typ=ty)
    if dt is DType.bool:
        return b.icmp_unsigned("!=", v, ir.Constant(I8, 0))
    return v


def store(b: ir.IRBuilder, v: ir.Value, ptr: ir.Value, idx: ir.Value, dt: DType) -> None:
    ty = mem_type(dt)
    if dt is DType.bool:
        v = b.zext(v, I8)
    b.store(v, gep(b, ptr, idx, ty))


def memcpy(ctx: Ctx, b: ir.IRBuilder, dst: ir.Value, src: ir.Value, nbytes: int) -> None:
    fn = ctx.module.declare_intrinsic("llvm.memcpy", [PTR, PTR, I64])
    b.call(fn, [dst, src, i64(nbytes), ir.Constant(I1, 0)])


def memset0(ctx: Ctx, b: ir.IRBuilder, dst: ir.Value, nbytes: int) -> None:
    fn = ctx.module.declare_intrinsic("llvm.memset", [PTR, I64])
    b.call(fn, [dst, ir.Constant(I8, 0), i64(nbytes), ir.Constant(I1, 0)])
