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
from .function_structure import WithPrints, _builder, _flatten_args, _flatten_result, _placeholders, _rebuild
from .tensor import EagerTensor, Result
from .tracing import _STACK, Trace, current, tracing


@dataclass(frozen=True)
class TensorSpec:
    """The shape (None for any size) and dtype an argument must have."""

    shape: tuple[int | None, ...]
    dtype: DType = DType.float32
    name: str | None = None

    def __init__(self, shape: Sequence[int | None], dtype: Any = DType.float32, name: str | None = None):
        object.__setattr__(self, "shape", tuple(None if d is None else int(d) for d in shape))
        object.__setattr__(self, "dtype", DType.coerce(dtype))
        object.__setattr__(self, "name", name)

    def accepts(self, arr: np.ndarray) -> bool:
        return (
            arr.ndim == len(self.shape)
            and all(s is None or s == d for s, d in zip(self.shape, arr.shape))
            and DType.from_np(arr.dtype) == self.dtype
        )


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
        if kwargs:
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
        if all(type(a) is np.ndarray for a in args):
            self._fast[tuple((a.shape, a.dtype) for a in args)] = (fast, build, hot)

    def _bind(self, args: Sequence[Any], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        import inspect

        sig = inspect.signature(self.python_function)
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        return tuple(bound.arguments.values())

    def _check_signature(self, arrays: list[np.ndarray]) -> None:
        if self.input_signature is None:
            return
        if len(arrays) != len(self.input_signature):
            raise TypeError(
                f"{self.__name__} takes {len(self.input_signature)} tensor arguments "
                f"(input_signature), got {len(arrays)}"
            )
        for i, (spec, a) in enumerate(zip(self.input_signature, arrays)):
            if not spec.accepts(a):
                want = tuple("None" if d is None else d for d in spec.shape)
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
            result = stage_call(self.python_function, staged_args, {})
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
        for v, spec in zip(fn.args, self.input_signature):  # one placeholder per spec, in order
            if v.type.rank == len(spec.shape):
                set_unknown(fn, v, tuple(d is None for d in spec.shape))

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
