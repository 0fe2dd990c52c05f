"""Out-of-line vecmath: one scalar function plus vector variants per module, for large modules.

Inlining vecmath's polynomials into every fused loop makes the module grow by ~100 instructions
per transcendental op, and LLVM's loop vectoriser (twice: main loop and vectorised epilogue),
InstCombine and instruction selection then scale with that: W5 n1000 (1000 tanh) spent most of
its 10 s compile there. Past a few call sites a helper is therefore kept out of line:

- the scalar function becomes `noinline` and carries LLVM's `vector-function-abi-variant`
  attribute naming `<N x float>` versions of itself (`_ZGV_LLVM_N16v_<scalar>(<vector>)`);
- the vector versions are the same emitter run on vector types (`_E` with `lanes`), kept alive
  until the vectoriser runs by `@llvm.compiler.used`;
- the loop vectoriser then widens a loop calling the scalar helper into calls of the variant
  of its chosen width, so the code per op is a call instead of a polynomial.

The vector variants use LLVM's `intel_ocl_bicc` calling convention (the vectoriser gives its
calls the variant's convention): on AVX-512 it makes zmm16-zmm31 callee-saved, and the variants
fit in zmm0-zmm15 (all but float32 pow's 16-lane one, which saves the few it uses), so a loop
keeps its live vectors in zmm16+ across the calls instead of spilling and reloading them around
each one under the C convention (all vector registers caller-saved). W5 n200 (84 calls of the
tanh variant per vector iteration): ~135-148 -> ~119 us. (Constants from one table at one base
address instead of ~19 large-code-model `movabsq` per call cut tanh's variant from 55 to 37
instructions but measured no faster, the chained calls being latency-bound: not done.)

The widths offered are the ones LLVM picks on this target: 16 float32 (main loop) and 8
(vectorised epilogue); 8 and 4 for float64. Other widths fall back to per-lane scalar calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llvmlite import ir
from llvmlite.ir.values import FunctionAttributes

from .common import F32, PTR, Ctx

# Vector widths offered per element type (main loop, epilogue).
LANES: dict[str, tuple[int, ...]] = {"float": (16, 8), "double": (8, 4)}
USED = "llvm.compiler.used"


class _Attrs(FunctionAttributes):
    """llvmlite's function attributes plus raw `"key"="value"` string attributes."""

    def __init__(self, base: FunctionAttributes) -> None:
        super().__init__()
        for a in base:
            if a != "alwaysinline":
                self.add(a)
        self.raw: list[str] = []

    def _to_list(self, ret_type: ir.Type) -> list[str]:
        return super()._to_list(ret_type) + self.raw


def intrinsic(c: Ctx, name: str, ty: ir.Type, nargs: int) -> ir.Function:
    """An LLVM intrinsic on a scalar or vector float type (llvmlite only mangles scalars)."""
    if not isinstance(ty, ir.VectorType):
        return c.intrinsic(name, ty, nargs)
    full = f"{name}.v{ty.count}{'f32' if ty.element == F32 else 'f64'}"
    fn = c.module.globals.get(full)
    if fn is None:
        fn = ir.Function(c.module, ir.FunctionType(ty, [ty] * nargs), full)
    return fn  # type: ignore[return-value]


def _keep(c: Ctx, fns: list[ir.Function]) -> None:
    """Append `fns` to `@llvm.compiler.used` (kept until codegen, then dropped if unused)."""
    g = c.module.globals.get(USED)
    old: list[ir.Constant] = []
    if g is None:
        g = ir.GlobalVariable(c.module, ir.ArrayType(PTR, 0), USED)
        g.linkage = "appending"
        g.section = "llvm.metadata"
    else:
        old = list(g.initializer.constant)
    items = old + list(fns)
    ty = ir.ArrayType(PTR, len(items))
    g.value_type = ty
    g.initializer = ir.Constant(ty, items)


def outline(c: Ctx, fn: ir.Function, emit: Callable[[ir.Function, int], Any],
            lanes: tuple[int, ...] | None = None, preserve_all: bool = False) -> None:
    """Turn the `alwaysinline` helper `fn` into a `noinline` one with vector variants.

    `emit(vfn, lanes)` writes the body of the vector function `vfn`, whose arguments and result
    are `<lanes x T>` for each scalar type T of `fn`'s. The widths are `lanes`, by default
    LANES of `fn`'s result type. preserve_all: the variants also save and restore every vector
    register but their arguments and result (`"no_caller_saved_registers"`, the same on the
    caller's side), for helpers whose usual path is a test and a return.
    """
    ftype: ir.FunctionType = fn.function_type
    sty = ftype.return_type
    variants: list[ir.Function] = []
    mangled: list[str] = []
    params = "v" * len(ftype.args)
    for n in lanes or LANES[str(sty)]:
        vtype = ir.FunctionType(ir.VectorType(sty, n), [ir.VectorType(a, n) for a in ftype.args])
        vfn = ir.Function(c.module, vtype, f"{fn.name}.v{n}")
        vfn.linkage = "internal"
        vfn.calling_convention = "intel_ocl_bicc"  # zmm16-31 callee-saved: no spills at call sites
        vfn.attributes.add("nounwind")
        vfn.attributes.add("noinline")
        if preserve_all:
            vfn.attributes = _Attrs(vfn.attributes)
            vfn.attributes.raw.append('"no_caller_saved_registers"')
        emit(vfn, n)
        variants.append(vfn)
        mangled.append(f"_ZGV_LLVM_N{n}{params}_{fn.name}({vfn.name})")
    attrs = _Attrs(fn.attributes)
    attrs.add("noinline")
    attrs.raw.append(f'"vector-function-abi-variant"="{",".join(mangled)}"')
    fn.attributes = attrs
    _keep(c, variants)
