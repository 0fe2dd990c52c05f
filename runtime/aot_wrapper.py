"""LLVM IR of the AOT C ABI: checked entry points around a lowered function, libm shims, metadata.

The lowered entry `void @impl(ptr inputs, ptr outputs, ptr workspace)` trusts its caller
completely. C callers get instead (documented in the generated header):

    int32_t gradc_<name>(const gradc_tensor *in, int64_t n_in, gradc_tensor *out, int64_t n_out);
    int32_t gradc_<name>_with_workspace(..., void *workspace);   /* caller's 64-byte aligned arena */
    const char *gradc_<name>_info(void);                          /* JSON: names, shapes, dtypes */

`gradc_tensor` is `{ void *data; int64_t rank; const int64_t *shape; int32_t dtype; }`. Every
count, rank, dimension and dtype is compared with the compiled signature (all static, so the
checks unroll to straight-line compares) before any data is touched, and a status comes back
instead of a crash. `gradc_<name>` mallocs the workspace per call (simple, thread-safe, no
global state); the `_with_workspace` variant is for callers that must not allocate.

The lowering calls math functions under private `gradc.<fn>` names (the JIT maps them to libm);
here each becomes an internal `noinline` shim calling the real libm function, so the object
depends only on libc and libm. `noinline` keeps the call opaque to the vectoriser, as in the JIT.
"""

from __future__ import annotations

from collections.abc import Sequence

import llvmlite.binding as llvm
from llvmlite import ir

from gradc.compiler.ir.types import DType
from gradc.compiler.lowering.llvm.common import LIBM_FUNCTIONS, LIBM_PREFIX

from .cheader import ALIGN, DTYPE_CODE, STATUS

I8, I32, I64, PTR = ir.IntType(8), ir.IntType(32), ir.IntType(64), ir.PointerType()
TENSOR = ir.LiteralStructType([PTR, I64, PTR, I32])  # C layout of gradc_tensor (32 bytes on LP64)
# Undefined symbols an AOT object may keep: libc allocation/memory and libm (linked with -lm).
LIBC = frozenset({"malloc", "free", "memcpy", "memmove", "memset"})

TensorSig = tuple[tuple[int, ...], DType]


def _c32(n: int) -> ir.Constant:
    return ir.Constant(I32, n)


def _c64(n: int) -> ir.Constant:
    return ir.Constant(I64, n)


class _Checker:
    """Emits `if (cond) return code;` chains into one function."""

    def __init__(self, fn: ir.Function) -> None:
        self.fn = fn
        self.b = ir.IRBuilder(fn.append_basic_block("entry"))

    def fail_if(self, cond: ir.Value, status: str | ir.Value) -> None:
        """Return `status` (a code name, or a computed status) when `cond` holds."""
        fail = self.fn.append_basic_block(status.lower() if isinstance(status, str) else "fail")
        ok = self.fn.append_basic_block("ok")
        self.b.cbranch(cond, fail, ok)
        ir.IRBuilder(fail).ret(_c32(STATUS[status]) if isinstance(status, str) else status)
        self.b.position_at_end(ok)

    def tensors(self, base: ir.Value, sigs: Sequence[TensorSig]) -> None:
        b = self.b
        for i, (shape, dt) in enumerate(sigs):
            t = b.gep(base, [_c64(i)], inbounds=True, source_etype=TENSOR)
            field = lambda k, ty: b.load(b.gep(t, [_c64(0), _c32(k)], inbounds=True, source_etype=TENSOR), typ=ty)
            self.fail_if(b.icmp_signed("!=", field(1, I64), _c64(len(shape))), "GRADC_BAD_RANK")
            if shape:
                dims = field(2, PTR)
                self.fail_if(b.icmp_unsigned("==", dims, ir.Constant(PTR, None)), "GRADC_NULL_POINTER")
                for k, d in enumerate(shape):
                    got = b.load(b.gep(dims, [_c64(k)], inbounds=True, source_etype=I64), typ=I64)
                    self.fail_if(b.icmp_signed("!=", got, _c64(d)), "GRADC_BAD_SHAPE")
            self.fail_if(b.icmp_signed("!=", field(3, I32), _c32(DTYPE_CODE[dt])), "GRADC_BAD_DTYPE")
            size = 1
            for d in shape:
                size *= d
            if size:  # an empty tensor may have a NULL data pointer: nothing is read or written
                self.fail_if(b.icmp_unsigned("==", field(0, PTR), ir.Constant(PTR, None)), "GRADC_NULL_POINTER")


def _string(mod: ir.Module, name: str, text: str) -> ir.GlobalVariable:
    data = bytearray(text.encode()) + b"\0"
    g = ir.GlobalVariable(mod, ir.ArrayType(I8, len(data)), name)
    g.global_constant, g.linkage, g.unnamed_addr = True, "private", True
    g.initializer = ir.Constant(g.value_type, data)
    return g


def _getter(mod: ir.Module, name: str, text: str, linkage: str = "") -> None:
    fn = ir.Function(mod, ir.FunctionType(PTR, []), name)
    if linkage:
        fn.linkage = linkage
    ir.IRBuilder(fn.append_basic_block("entry")).ret(_string(mod, name + ".str", text))


def wrapper_module(sym: str, impl: str, inputs: Sequence[TensorSig], outputs: Sequence[TensorSig],
                   workspace: int, info_json: str, libm: Sequence[str]) -> ir.Module:
    """The C entry points of `sym` around `impl`, plus shims for the `libm` aliases it calls."""
    mod = ir.Module(name=sym + ".abi")
    n_in, n_out = len(inputs), len(outputs)
    impl_fn = ir.Function(mod, ir.FunctionType(ir.VoidType(), [PTR, PTR, PTR]), impl)
    malloc = ir.Function(mod, ir.FunctionType(PTR, [I64]), "malloc")
    free = ir.Function(mod, ir.FunctionType(ir.VoidType(), [PTR]), "free")

    # check(in, n_in, out, n_out) -> status
    check = ir.Function(mod, ir.FunctionType(I32, [PTR, I64, PTR, I64]), sym + ".check")
    check.linkage = "internal"
    c = _Checker(check)
    ins, nin, outs, nout = check.args
    c.fail_if(c.b.or_(c.b.icmp_signed("!=", nin, _c64(n_in)), c.b.icmp_signed("!=", nout, _c64(n_out))),
              "GRADC_BAD_COUNT")
    for base, sigs in ((ins, inputs), (outs, outputs)):
        if sigs:
            c.fail_if(c.b.icmp_unsigned("==", base, ir.Constant(PTR, None)), "GRADC_NULL_POINTER")
            c.tensors(base, sigs)
    c.b.ret(_c32(0))

    # run(in, out, ws): gather the data pointers into the lowered entry's pointer arrays.
    run = ir.Function(mod, ir.FunctionType(ir.VoidType(), [PTR, PTR, PTR]), sym + ".run")
    run.linkage = "internal"
    b = ir.IRBuilder(run.append_basic_block("entry"))
    arrays = []
    for base, n in zip(run.args[:2], (n_in, n_out)):
        arr = b.alloca(PTR, size=max(n, 1))
        for i in range(n):
            src = b.gep(base, [_c64(i), _c32(0)], inbounds=True, source_etype=TENSOR)
            b.store(b.load(src, typ=PTR), b.gep(arr, [_c64(i)], inbounds=True, source_etype=PTR))
        arrays.append(arr)
    b.call(impl_fn, [arrays[0], arrays[1], run.args[2]])
    b.ret_void()

    sig = ir.FunctionType(I32, [PTR, I64, PTR, I64, PTR])
    with_ws = ir.Function(mod, sig, sym + "_with_workspace")
    c = _Checker(with_ws)
    st = c.b.call(check, with_ws.args[:4])
    c.fail_if(c.b.icmp_signed("!=", st, _c32(0)), st)
    ws = with_ws.args[4]
    if workspace:
        misaligned = c.b.icmp_unsigned("!=", c.b.and_(c.b.ptrtoint(ws, I64), _c64(ALIGN - 1)), _c64(0))
        c.fail_if(c.b.or_(c.b.icmp_unsigned("==", ws, ir.Constant(PTR, None)), misaligned), "GRADC_BAD_WORKSPACE")
    c.b.call(run, [with_ws.args[0], with_ws.args[2], ws])
    c.b.ret(_c32(0))

    main = ir.Function(mod, ir.FunctionType(I32, [PTR, I64, PTR, I64]), sym)
    c = _Checker(main)
    st = c.b.call(check, main.args)
    c.fail_if(c.b.icmp_signed("!=", st, _c32(0)), st)
    ins, _, outs, _ = main.args
    if workspace:
        # Over-allocate and round up: the lowering assumes a 64-byte aligned arena.
        raw = c.b.call(malloc, [_c64(workspace + ALIGN - 1)])
        c.fail_if(c.b.icmp_unsigned("==", raw, ir.Constant(PTR, None)), "GRADC_NO_MEMORY")
        pad = c.b.and_(c.b.sub(_c64(0), c.b.ptrtoint(raw, I64)), _c64(ALIGN - 1))
        aligned = c.b.gep(raw, [pad], inbounds=True, source_etype=I8)
        c.b.call(run, [ins, outs, aligned])
        c.b.call(free, [raw])
    else:
        c.b.call(run, [ins, outs, ir.Constant(PTR, None)])
    c.b.ret(_c32(0))

    _getter(mod, sym + "_info", info_json)
    # Weak: a library built from one object names its function; with several, load(name=...).
    _getter(mod, "gradc_default_function", sym[len("gradc_"):], linkage="weak")
    for alias in libm:
        _shim(mod, alias)
    return mod


def _shim(mod: ir.Module, alias: str) -> None:
    """`gradc.expf(x)` → `expf(x)`; float32 names end in f, pow takes two arguments."""
    real = alias[len(LIBM_PREFIX):]
    if real in LIBM_FUNCTIONS:
        ty, base = ir.DoubleType(), real
    elif real.endswith("f") and real[:-1] in LIBM_FUNCTIONS:
        ty, base = ir.FloatType(), real[:-1]
    else:
        raise NotImplementedError(f"AOT: no libm shim for {alias!r}")
    nargs = 2 if base == "pow" else 1
    fnty = ir.FunctionType(ty, [ty] * nargs)
    target = ir.Function(mod, fnty, real)
    shim = ir.Function(mod, fnty, alias)
    shim.attributes.add("noinline")
    shim.attributes.add("nounwind")
    b = ir.IRBuilder(shim.append_basic_block("entry"))
    b.ret(b.call(target, shim.args))


def libm_aliases(mod: llvm.ModuleRef) -> list[str]:
    """The `gradc.<fn>` math functions a lowered module declares."""
    return [f.name for f in mod.functions if f.is_declaration and f.name.startswith(LIBM_PREFIX)]
