"""MLIR emission: a gradc `Function` as text in upstream dialects (func, arith, math, tensor, linalg, scf).

The text targets the portable subset of ../shared/MLIR_TARGET.md (one file accepted by
mlir-opt 19, mlir-opt 22 and IREE). Lowering is driven by each op's registry spec, so this
package holds no per-op code except the scalar table (scalars.py, which takes float64
sin/cos/tanh from f64math.py: IREE cannot link them):

- `Elementwise(s)` → `linalg.generic` with NumPy-broadcasting indexing maps, body from SCALARS[s]
- `Reduce` → `linalg.fill` (identity) + reduction `linalg.generic`; mean divides; keepdims reshapes
- `View` / `Assemble` → reshape / transpose / extract_slice / insert_slice / affine generic,
  with flat-index fallbacks (views.py)
- `MatMul` → `linalg.transpose` (for transpose_a/b) + `linalg.fill` + `linalg.matmul`
- `ConstantData` → `arith.constant dense<...>` (hex, bit-exact); `NoCode` → nothing
- `Expand` → expanded on a copy of the function first (expand.py)

Each op's ops carry `loc("<tf op name>"("file":line:col))`.
"""

from __future__ import annotations

from collections.abc import Iterable

from gradc.compiler.ir.core import Function

from . import text
from .emitter import INDENT, FuncEmitter
from .expand import expand_composites
from .ops import Env, lower_op

__all__ = ["emit_function", "emit_mlir", "emit_module"]


def emit_function(fn: Function) -> str:
    """One public `func.func` (no module around it)."""
    fn = expand_composites(fn)
    em = FuncEmitter()
    env: Env = {}
    params = []
    for a in fn.args:
        name = em.namer.fresh(a.arg_name or "arg")
        if a.type.rank == 0:
            # A 0-d argument is passed as a bare scalar and wrapped into a tensor at once: IREE's
            # runtime cannot be fed 0-d tensor arguments, and all math stays inside linalg.
            params.append(f"{name}: {a.type.dtype.short}")
            env[a] = em.op(f"tensor.from_elements {name} : {a.type}", base=name.lstrip("%") + "_t")
        else:
            env[a] = name
            params.append(f"{name}: {a.type}")
    for op in fn.ops:
        lower_op(em, env, op)
    outs = [env[v] for v in fn.outputs]
    types = [str(v.type) for v in fn.outputs]
    head = f"{INDENT}func.func {text.symbol(fn.name)}({', '.join(params)}) -> ({', '.join(types)}) {{"
    ret = f"{INDENT * 2}func.return"
    if outs:
        ret += f" {', '.join(outs)} : {', '.join(types)}"
    return "\n".join([head, *em.lines, ret, f"{INDENT}}}"]) + "\n"


def emit_module(fns: Iterable[Function]) -> str:
    """A `module { ... }` holding one public function per element of `fns`."""
    return "module {\n" + "\n".join(emit_function(f) for f in fns) + "}\n"


def emit_mlir(fn: Function) -> str:
    """`fn` as a complete MLIR module (text ends with a newline)."""
    return emit_module([fn])
