"""`gradc.function`: trace once per input signature, optimise, compile natively, call.

A call computes a cheap signature key from its arguments (shape and dtype per array, value
per Python scalar). A miss stages the Python function into IR (frontend.staging), runs the
pass pipeline and JIT-compiles it; a hit goes straight to native code: first the builtin of
the last signature used (runtime/pycall.py: it checks the arguments, makes the outputs and the
result structure itself), then a dict keyed by (shape, dtype) per argument. Results come back
as NumPy arrays in the function's own nesting of lists, tuples and None.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function, Loc, Value
from gradc.compiler.ir.types import DType, TensorType
from gradc.runtime.abi import Caller
from gradc.runtime.pycall import MISS  # what a builtin returns for arguments it does not take

from .tensor import EagerTensor, Result, Tensor
from .tracing import _STACK, Trace, current, to_value, tracing, wrap

STAGES = ("source", "ir", "autodiff", "optimized", "llvm", "llvm-opt", "asm", "mlir")


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


# -- argument flattening ---------------------------------------------------------------------------


def _flatten_args(args: Sequence[Any]) -> tuple[tuple[Any, ...], list[np.ndarray]]:
    """Split call arguments into a hashable key and the list of array leaves."""
    arrays: list[np.ndarray] = []

    def key(a: Any) -> Any:
        if isinstance(a, EagerTensor):
            a = a.array
        if isinstance(a, np.ndarray):
            DType.from_np(a.dtype)  # unsupported dtypes fail here, before any tracing
            arrays.append(a)
            return ("T", a.shape, a.dtype.str)
        if isinstance(a, np.generic):
            arrays.append(np.asarray(a))
            return ("T", (), a.dtype.str)
        if isinstance(a, (list, tuple)):
            return (type(a).__name__, tuple(key(v) for v in a))
        if isinstance(a, Tensor):
            raise TypeError("a symbolic Tensor cannot be passed to a compiled function from outside a trace")
        if a is None or isinstance(a, (bool, int, float, str)):
            return ("P", type(a).__name__, a)
        raise TypeError(f"unsupported argument type {type(a).__name__} for a gradc function")

    k = tuple(key(a) for a in args)
    return k, arrays


def _placeholders(b: Builder, names: list[str], args: Sequence[Any]) -> list[Any]:
    """Rebuild the arguments with a placeholder (function argument) per array leaf."""

    def build(a: Any, name: str) -> Any:
        if isinstance(a, EagerTensor):
            a = a.array
        if isinstance(a, (np.ndarray, np.generic)):
            arr = np.asarray(a)
            return wrap(b.add_arg(name, TensorType(tuple(arr.shape), DType.from_np(arr.dtype))))
        if isinstance(a, (list, tuple)):
            return type(a)(build(v, f"{name}_{i}") for i, v in enumerate(a))
        return a

    return [build(a, n) for a, n in zip(args, names)]


# -- output structure -------------------------------------------------------------------------------


def _flatten_result(obj: Any, outs: list[Value]) -> Any:
    """Replace each tensor leaf of the result by its output index; keep lists/tuples/None."""
    if obj is None:
        return None
    if isinstance(obj, tuple):
        return tuple(_flatten_result(o, outs) for o in obj)
    if isinstance(obj, list):
        return [_flatten_result(o, outs) for o in obj]
    if isinstance(obj, dict):
        return {k: _flatten_result(v, outs) for k, v in obj.items()}
    outs.append(to_value(obj))
    return ("out", len(outs) - 1)


@dataclass
class WithPrints:
    """A result template whose function also has gradc.print calls (outputs from `first`)."""

    template: Any
    prints: list[Any]
    first: int

    def run(self, results: list[np.ndarray]) -> None:
        from .api.printing import run_prints

        run_prints(self.prints, results[self.first:])


def _rebuild(template: Any, results: list[np.ndarray]) -> Any:
    if isinstance(template, WithPrints):
        template.run(results)
        return _rebuild(template.template, results)
    if template is None:
        return None
    if isinstance(template, tuple) and len(template) == 2 and template[0] == "out":
        return results[template[1]].view(Result)
    if isinstance(template, tuple):
        return tuple(_rebuild(t, results) for t in template)
    if isinstance(template, list):
        return [_rebuild(t, results) for t in template]
    if isinstance(template, dict):
        return {k: _rebuild(v, results) for k, v in template.items()}
    raise AssertionError(template)


def _builder(template: Any) -> Callable[[list[np.ndarray]], Any]:
    """A function rebuilding the result structure from output arrays (precompiled `_rebuild`).

    Outputs arrive as `Result` arrays already; an output index used twice gets a view the
    second time, so callers never see one object in two places.
    """
    if isinstance(template, WithPrints):
        inner, wp = _builder(template.template), template

        def with_prints(r: list[np.ndarray]) -> Any:
            wp.run(r)
            return inner(r)

        return with_prints
    seen: set[int] = set()

    def build(t: Any) -> Callable[[list[np.ndarray]], Any]:
        if t is None:
            return lambda r: None
        if isinstance(t, tuple) and len(t) == 2 and t[0] == "out":
            i = t[1]
            if i in seen:
                return lambda r: r[i].view(Result)
            seen.add(i)
            return lambda r: r[i]
        if isinstance(t, (tuple, list)):
            parts = [build(x) for x in t]
            if type(t) is list and len(parts) == 1:
                p0 = parts[0]
                return lambda r: [p0(r)]
            cls = type(t)
            return lambda r: cls([p(r) for p in parts])
        if isinstance(t, dict):
            items = [(k, build(v)) for k, v in t.items()]
            return lambda r: {k: p(r) for k, p in items}
        raise AssertionError(t)

    return build(template)


# -- compiled entries -------------------------------------------------------------------------------


@dataclass
class Compiled:
    """One traced and compiled signature."""

    ir: Function
    template: Any
    run: Callable[..., list[np.ndarray]]
    stages: dict[str, str] = field(default_factory=dict)


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
            result = stage_call(self.python_function, staged_args, {})
            outs: list[Value] = []
            template = _flatten_result(result, outs)
            if tr.prints:  # gradc.print values are extra outputs, printed by the call
                template = WithPrints(template, tr.prints, len(outs))
                outs.extend(tr.print_outputs)
        fn.outputs = outs
        return fn, template

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


def _forward_view(fn: Function) -> Function:
    """The staged function without the ops autodiff added (the `ir` stage of dumps)."""
    keep = [op for op in fn.ops if op.name not in fn.autodiff_ops]
    defined = {id(a) for a in fn.args} | {id(r) for op in keep for r in op.results}
    ops = [op for op in keep if all(id(v) in defined for v in op.operands)]
    defined = {id(a) for a in fn.args} | {id(r) for op in ops for r in op.results}
    view = Function(fn.name, list(fn.args), ops, [v for v in fn.outputs if id(v) in defined])
    return view


def _check_round_trip(fn: Function) -> None:
    from gradc.compiler.errors import InternalError
    from gradc.compiler.ir.parser import parse_function
    from gradc.compiler.ir.printer import print_function

    text = print_function(fn)
    again = print_function(parse_function(text))
    if again != text:
        raise InternalError(f"IR text does not round-trip for {fn.name}:\n{text}\n---\n{again}")


class _Checked:
    """Runs the native code and the reference interpreter; raises if they disagree."""

    def __init__(self, fn: Function, native: Callable[..., list[np.ndarray]]) -> None:
        self.fn = fn
        self.native = native
        for attr in ("llvm_ir", "llvm_opt_ir", "asm"):
            setattr(self, attr, getattr(native, attr))

    def __call__(self, *arrays: np.ndarray) -> list[np.ndarray]:
        from gradc.compiler.errors import InternalError
        from gradc.runtime.interpreter import interpret

        got = self.native(*arrays)
        want = interpret(self.fn, arrays)
        for i, (g, w) in enumerate(zip(got, want)):
            same = g.shape == w.shape and g.dtype == w.dtype and (
                np.array_equal(g, w) if g.dtype.kind in "biu"
                else np.allclose(g, w, rtol=2e-6 if g.dtype == np.float64 else 2e-5, atol=1e-6, equal_nan=True)
                and np.array_equal(np.isnan(g), np.isnan(w))
            )
            if not same:
                raise InternalError(f"native output {i} of {self.fn.name} differs from the interpreter:\n"
                                    f"native {g!r}\ninterpreter {w!r}")
        return got


class Lowered:
    """Texts of every compilation stage for one signature."""

    def __init__(self, entry: Compiled) -> None:
        self.entry = entry

    @property
    def stages(self) -> list[str]:
        return list(self.entry.stages)

    def as_text(self, stage: str = "optimized") -> str:
        if stage == "mlir" and "mlir" not in self.entry.stages:
            from gradc.compiler.lowering.mlir import emit_mlir

            self.entry.stages["mlir"] = emit_mlir(self.entry.ir)
        if stage not in self.entry.stages:
            raise ValueError(f"unknown stage {stage!r}; stages: {', '.join(self.entry.stages)}")
        return self.entry.stages[stage]

    def __call__(self, *arrays: Any) -> Any:
        _, leaves = _flatten_args(arrays)
        return _rebuild(self.entry.template, self.entry.run(*leaves))


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
