"""`gradc.function`: trace once per input signature, optimise, compile natively, call.

A call computes a cheap signature key from its arguments (shape and dtype per array, value
per Python scalar). A miss stages the Python function into IR (frontend.staging), runs the
pass pipeline and JIT-compiles it; a hit goes straight to native code: first the builtin of
the last signature used (runtime/pycall.py: it checks the arguments, makes the outputs and the
result structure itself), then a dict keyed by (shape, dtype) per argument. Results come back
as NumPy arrays in the function's own nesting of lists, tuples and None.

Argument and result structure live in function_structure.py; cache entries, `.lower()`'s stage
texts and the GRADC_VERIFY checks in function_stages.py.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MethodType
from typing import Any

import numpy as np

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function, Loc, Value
from gradc.compiler.ir.types import DType
from gradc.compiler.ir.unknown_dims import set_unknown
from gradc.runtime.abi import Caller
from gradc.runtime.pycall import MISS  # what a builtin returns for arguments it does not take

# Argument/result structure and the per-signature entries live in their own modules;
# STAGES and _flatten_args stay importable from here (runtime/aot.py uses the latter).
from .function_stages import STAGES, Compiled, Lowered, _check_round_trip, _Checked, _forward_view  # noqa: F401
from .function_structure import (
    WithPrints,
    _builder,
    _flatten_args,
    _flatten_result,
    _placeholders,
    _rebuild,
    bind_call,
    call_form,
)
from .tensor import EagerTensor, Result
from .tracing import _STACK, Trace, current, tracing


@dataclass(frozen=True)
class TensorSpec:
    """The shape (None for any size; shape None for any rank) and dtype an argument must have."""

    shape: tuple[int | None, ...] | None
    dtype: DType = DType.float32
    name: str | None = None

    def __init__(self, shape: Sequence[int | None] | None, dtype: Any = DType.float32, name: str | None = None):
        dims = None if shape is None else tuple(None if d is None else int(d) for d in shape)
        object.__setattr__(self, "shape", dims)
        object.__setattr__(self, "dtype", DType.coerce(dtype))
        object.__setattr__(self, "name", name)

    def accepts(self, arr: np.ndarray) -> bool:
        return (
            (self.shape is None or (
                arr.ndim == len(self.shape) and all(s is None or s == d for s, d in zip(self.shape, arr.shape))))
            and DType.from_np(arr.dtype) == self.dtype
        )

    def unknown_dims(self, rank: int) -> tuple[bool, ...] | None:
        """Which dims of a rank-`rank` argument this spec leaves unknown (None: rank differs)."""
        if self.shape is None:
            return (True,) * rank
        return tuple(d is None for d in self.shape) if len(self.shape) == rank else None

    def conform(self, a: Any) -> Any:
        """A call argument converted as TF converts it for this spec: NumPy data is cast to the
        spec's dtype, Python numbers and lists convert with TF's rules (1.5 is no int32); an
        EagerTensor must already have the dtype (TypeError otherwise, as in TF)."""
        from .tracing import to_array

        if isinstance(a, EagerTensor):
            if DType.from_np(a.array.dtype) != self.dtype:
                raise TypeError(f"Can not cast {a!r} to {self!r}: the input_signature wants dtype "
                                f"{self.dtype.name}")
            return a.array
        if isinstance(a, (np.ndarray, np.generic)):
            arr = np.asarray(a)
            return arr if arr.dtype == self.dtype.np else arr.astype(self.dtype.np)
        if isinstance(a, (bool, int, float, list, tuple)):
            return to_array(a, self.dtype)
        return a


def flat_specs(signature: Any) -> list[TensorSpec]:
    """The TensorSpecs of an input_signature in argument-leaf order (lists, tuples, dicts nest)."""
    if isinstance(signature, TensorSpec):
        return [signature]
    items = signature.values() if isinstance(signature, dict) else signature
    return [s for item in items for s in flat_specs(item)]


def _conform(spec: Any, a: Any, where: str) -> Any:
    """`a` converted leaf by leaf for the nested input_signature `spec` (TF's TypeError when the
    structures differ)."""
    if isinstance(spec, TensorSpec):
        return spec.conform(a)
    if isinstance(spec, dict):
        if not isinstance(a, dict) or set(a) != set(spec):
            raise TypeError(f"{where}: expected a dict with keys {sorted(spec, key=str)} (input_signature), got {a!r}")
        return {k: _conform(spec[k], a[k], f"{where}[{k!r}]") for k in a}
    if not isinstance(a, type(spec)) or len(a) != len(spec):
        raise TypeError(f"{where}: expected a {type(spec).__name__} of {len(spec)} (input_signature), got {a!r}")
    return type(a)(_conform(s, x, f"{where}[{i}]") for i, (s, x) in enumerate(zip(spec, a)))


# -- compiled entries -------------------------------------------------------------------------------


class GradcFunction:
    """A Python function compiled by gradc per input signature (TF's tf.function)."""

    def __init__(
        self,
        func: Callable[..., Any],
        input_signature: Sequence[TensorSpec] | None = None,
        fastmath: bool = False,
        interpret: bool = False,
        pipeline: str | None = None,
        verify: bool = False,
        threads: int | None = None,
    ) -> None:
        self.python_function = func
        self.input_signature = None if input_signature is None else list(input_signature)
        self.fastmath = fastmath
        self.interpret = interpret
        self.pipeline = pipeline
        self.threads = threads  # None: resolved per compiled signature (parallel.thread_count)
        # GRADC_VERIFY=1: every compile checks print(parse(print(f))) == print(f), every call
        # compares native results with the NumPy reference interpreter (a debugging mode).
        self.verify = verify or os.environ.get("GRADC_VERIFY") == "1"
        self._cache: dict[Any, Compiled] = {}
        # Hot path: (shape, dtype) per exact ndarray argument -> (native fast call, result builder).
        self._fast: dict[tuple[Any, ...], tuple[Callable[..., Any], Callable[..., Any], Any]] = {}
        # Hotter path: the last signature used, as a native builtin (runtime/pycall.py).
        self._hot: Callable[..., Any] | None = None
        functools.update_wrapper(self, func)

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        """A method (`@tf.function def __call__(self, x)`): bound to its instance, which is a
        compile-time argument (one trace per instance, as in TF)."""
        if obj is None:
            return self
        return MethodType(self, obj)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        hot = self._hot
        if hot is not None and not kwargs and not _STACK:
            r = hot(*args)  # checks count/type/dtype/shape/layout natively; MISS on any mismatch
            if r is not MISS:
                return r
        return self._call_cached(args, kwargs)

    def _call_cached(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if not kwargs and not _STACK:
            try:
                hit = self._fast.get(tuple([(a.shape, a.dtype) for a in args]))
            except AttributeError:  # not all arrays: the general path below
                hit = None
            if hit is not None:
                if hit[2] is not None:  # another cached signature: make it the first one tried
                    self._hot = hit[2]
                    r = hit[2](*args)
                    if r is not MISS:
                        return r
                outs = hit[0](args)  # None unless every argument is an exact C-contiguous ndarray
                if outs is not None:
                    return hit[1](outs)
        return self._call_slow(args, kwargs)

    def _call_slow(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if current() is not None:
            # Called from another staged function: inline it into that trace.
            from .staging import stage_call

            return stage_call(self.python_function, list(args), kwargs)
        if kwargs or self.input_signature is not None:
            args = self._bind(args, kwargs)
        key, arrays = _flatten_args(args)
        entry = self._cache.get(key)
        if entry is None:
            try:
                self._check_signature(arrays)
                entry = self._compile(args)
            except Exception as e:
                from .errors import hide_internal_frames

                raise hide_internal_frames(e) from None
            self._cache[key] = entry
            self._add_fast(args, entry)
        return _rebuild(entry.template, entry.run(*arrays))

    def _add_fast(self, args: tuple[Any, ...], entry: Compiled) -> None:
        """Register a new signature's fast paths: the native builtin (tried first) when every
        argument is itself an array, so that any call it accepts has this very cache key."""
        fast = getattr(entry.run, "fast", None)
        if fast is None:
            return
        build = _builder(entry.template)
        hot = None
        caller = getattr(entry.run, "_call", None)
        if isinstance(caller, Caller) and all(isinstance(a, (np.ndarray, np.generic, EagerTensor)) for a in args):
            hot = caller.builtin(entry.template, build)
            self._hot = hot or self._hot
        if all(type(a) is np.ndarray and a.dtype.isnative for a in args):
            self._fast[tuple((a.shape, a.dtype) for a in args)] = (fast, build, hot)

    def _bind(self, args: Sequence[Any], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        """The arguments as the function is traced with: keywords bound to their parameters
        (function_structure.bind_call), and with an input_signature each argument converted as
        TF converts it (TensorSpec.conform)."""
        if kwargs:
            args = bind_call(self.python_function, args, kwargs)
        sig = self.input_signature
        if sig is None:
            return args if isinstance(args, tuple) else tuple(args)
        head = [_conform(spec, a, f"argument {i} of {self.__name__}")
                for i, (spec, a) in enumerate(zip(sig, args))]
        return type(args)([*head, *args[len(head):]]) if isinstance(args, tuple) else tuple(head)

    def _check_signature(self, arrays: list[np.ndarray]) -> None:
        if self.input_signature is None:
            return
        specs = flat_specs(self.input_signature)
        if len(arrays) != len(specs):
            raise TypeError(
                f"{self.__name__} takes {len(specs)} tensor arguments "
                f"(input_signature), got {len(arrays)}"
            )
        for i, (spec, a) in enumerate(zip(specs, arrays)):
            if not spec.accepts(a):
                want = "any" if spec.shape is None else tuple("None" if d is None else d for d in spec.shape)
                raise ValueError(
                    f"argument {i} of {self.__name__}: expected shape {want} dtype "
                    f"{spec.dtype.name} (input_signature), got shape {a.shape} dtype {a.dtype}"
                )

    def trace(self, args: Sequence[Any]) -> tuple[Function, Any]:
        """Stage the function for these arguments into IR (forward ops and gradients)."""
        import inspect

        from .source import get_source
        from .staging import stage_call

        src = get_source(self.python_function)
        fn = Function(self.python_function.__name__)
        b = Builder(fn, Loc(src.file, src.first_line, 1))
        params = list(inspect.signature(self.python_function).parameters)
        names = [params[i] if i < len(params) else f"arg{i}" for i in range(len(args))]
        tr = Trace(fn, b)
        with tracing(tr):
            staged_args = _placeholders(b, names, args)
            self._mark_unknown_dims(fn)
            call_args, call_kwargs = call_form(self.python_function, args, staged_args)
            result = stage_call(self.python_function, call_args, call_kwargs)
            outs: list[Value] = []
            template = _flatten_result(result, outs)
            if tr.prints:  # gradc.print values are extra outputs, printed by the call
                template = WithPrints(template, tr.prints, len(outs))
                outs.extend(tr.print_outputs)
        fn.outputs = outs
        return fn, template

    def _mark_unknown_dims(self, fn: Function) -> None:
        """Record the dims the input_signature leaves None: TF's gradients take their dynamic
        paths (and op names) for them although gradc traces the call's concrete shapes."""
        if self.input_signature is None:
            return
        for v, spec in zip(fn.args, flat_specs(self.input_signature)):  # one placeholder per spec
            unknown = spec.unknown_dims(v.type.rank)
            if unknown is not None:
                set_unknown(fn, v, unknown)

    def _compile(self, args: Sequence[Any], capture: bool = False) -> Compiled:
        # Tracing and lowering allocate hundreds of thousands of long-lived objects (IR, LLVM
        # builder values): with the cyclic GC on, its full collections rescan them all (~10% of
        # W5 n1000's cold compile). Paused for the compile only; nothing here makes cycles
        # that must die sooner.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._compile_unpaused(args, capture)
        finally:
            if enabled:
                gc.enable()

    def _compile_unpaused(self, args: Sequence[Any], capture: bool) -> Compiled:
        from gradc.compiler.ir.printer import print_function
        from gradc.compiler.passes import PassManager, default_pipeline, parse_pipeline
        from gradc.runtime.interpreter import interpret

        fn, template = self.trace(args)
        stages: dict[str, str] = {}
        if capture:
            stages["autodiff"] = print_function(fn)
            stages["ir"] = print_function(_forward_view(fn))
        passes = parse_pipeline(self.pipeline) if self.pipeline else default_pipeline()

        def dump(name: str, f: Function) -> None:
            stages[name] = print_function(f)

        PassManager(passes, verify=True, dump=dump if capture else None).run(fn)
        if capture:
            stages["optimized"] = print_function(fn)
        if self.interpret:
            return Compiled(fn, template, lambda *a: interpret(fn, a), stages)
        from gradc.compiler.lowering.llvm.parallel import thread_count
        from gradc.runtime.jit import compile_function

        native = compile_function(fn, fastmath=self.fastmath, out_cls=Result, threads=thread_count(self.threads))
        if self.verify:
            _check_round_trip(fn)
            native = _Checked(fn, native)
        if capture:
            stages["llvm"] = native.llvm_ir
            stages["llvm-opt"] = native.llvm_opt_ir
            stages["asm"] = native.asm
        return Compiled(fn, template, native, stages)

    def lower(self, *args: Any) -> Lowered:
        """Compile for these arguments and keep every stage's text (`.as_text(stage)`)."""
        from .source import get_source

        entry = self._compile(args, capture=True)
        entry.stages["source"] = "\n".join(get_source(self.python_function).file_lines) + "\n"
        return Lowered(entry)

    def get_concrete_function(self, *args: Any) -> Lowered:
        return self.lower(*args)


def function(
    func: Callable[..., Any] | None = None,
    input_signature: Sequence[TensorSpec] | None = None,
    jit_compile: bool | None = None,
    reduce_retracing: bool = False,
    fastmath: bool = False,
    interpret: bool = False,
    pipeline: str | None = None,
    verify: bool = False,
    threads: int | None = None,
    **ignored: Any,
) -> Any:
    """Decorator: compile `func` to native code per input signature (TF's tf.function).

    threads: 1 runs large loops serially, 2 on two cores (None: $GRADC_THREADS, else
    min(2, cores this process may use), read when a signature is compiled)."""
    del jit_compile, reduce_retracing, ignored  # always compiled; accepted for TF compatibility

    def wrap_fn(f: Callable[..., Any]) -> GradcFunction:
        return GradcFunction(f, input_signature, fastmath=fastmath, interpret=interpret, pipeline=pipeline,
                             verify=verify, threads=threads)

    return wrap_fn(func) if func is not None else wrap_fn
