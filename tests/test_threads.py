"""Two-chunk loops (compiler/lowering/llvm/parallel.py): threads=1 and threads=2 give the same
bits, both agree with the unchunked kernels and the NumPy interpreter, the plan shows the split."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import llvmlite.binding as llvm
import numpy as np
import pytest

import gradc as tf
from gradc.compiler.ir.core import Function
from gradc.compiler.lowering.llvm import lower, parallel
from gradc.compiler.passes import PassManager, default_pipeline
from gradc.runtime.interpreter import interpret
from gradc.runtime.jit import compile_function

N = parallel.PAR_MIN
RNG = np.random.default_rng(7)


def _optimized(f: Callable[..., Any], args: list[np.ndarray]) -> Function:
    fn, _ = tf.function(f).trace(args)
    PassManager(default_pipeline(), verify=True).run(fn)
    return fn


def _check(f: Callable[..., Any], *args: np.ndarray, split: bool = True, rtol: float = 2e-5) -> None:
    """threads=1 == threads=2 bit for bit; both close to the unchunked kernels and the interpreter."""
    fn = _optimized(f, list(args))
    with pytest.MonkeyPatch.context() as mp:  # arithmetic-only bodies split at PAR_MIN here too
        mp.setattr(parallel, "PAR_MIN_LIGHT", parallel.PAR_MIN)
        _check_fn(fn, args, split, rtol)


def _check_fn(fn: Function, args: tuple[np.ndarray, ...], split: bool, rtol: float) -> None:
    text = lower(fn, threads=2).llvm_ir
    assert ("split in 2 chunks" in text) == split, text.split("; ModuleID")[0]
    one, two = compile_function(fn, threads=1)(*args), compile_function(fn, threads=2)(*args)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parallel, "PAR_MIN", 1 << 62)
        mp.setattr(parallel, "PAR_MIN_LIGHT", 1 << 62)
        whole = compile_function(fn, threads=2)(*args)
        assert "split in 2 chunks" not in lower(fn, threads=2).llvm_ir
    want = interpret(fn, list(args))
    for a, b, w, r in zip(one, two, whole, want, strict=True):
        assert a.dtype == b.dtype == r.dtype and a.shape == r.shape
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
        if a.dtype.kind in "biu":
            assert np.array_equal(a, r) and np.array_equal(w, r)
        else:
            tol = max(1e-12 if a.dtype == np.float64 else 1e-6, float(np.abs(r).max()) * rtol)
            np.testing.assert_allclose(a, r, rtol=rtol, atol=tol)
            np.testing.assert_allclose(a, w, rtol=rtol, atol=tol)


def w2(x: Any) -> Any:
    y = tf.reduce_sum(tf.sin(x) * tf.exp(-x * x) + tf.tanh(x) * x)
    return y, tf.gradients(y, x)[0]


@pytest.mark.parametrize("n", [N - 1, N, N + 1, 2 * N + 77, 1_000_003])
def test_w2_and_gradient(n: int) -> None:
    _check(w2, RNG.uniform(-3, 3, n).astype(np.float32), split=n >= N)


def test_w2_float64() -> None:
    _check(w2, RNG.uniform(-3, 3, N + 5), rtol=1e-12)


@pytest.mark.parametrize("axis", [0, 1])
def test_2d_reduce_rows_and_columns(axis: int) -> None:
    def f(x: Any) -> Any:
        t = tf.exp(-x * x) * x
        return tf.reduce_sum(t, axis=axis), t + 1.0

    _check(f, RNG.standard_normal((1023, 301)).astype(np.float32))


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_mean(axis: int | None) -> None:
    _check(lambda x: tf.reduce_mean(tf.sin(x) + x * x, axis=axis), RNG.standard_normal((513, 1021)).astype(np.float32))


def test_max_with_nan() -> None:
    x = RNG.standard_normal(N + 3).astype(np.float32)
    _check(lambda x: tf.reduce_max(tf.tanh(x) * 3.0), x)
    x[N // 2 + 100] = np.nan  # in chunk 1: NaN must survive the combine
    _check(lambda x: (tf.reduce_max(tf.tanh(x) * 3.0), tf.reduce_min(x, axis=0)), x)


def test_integer_reduction() -> None:
    x = RNG.integers(-1000, 1000, (700, 401)).astype(np.int32)
    _check(lambda x: (tf.reduce_sum(x * 3 + 1), tf.reduce_sum(x * x, axis=0), tf.reduce_max(x, axis=1)), x)


def test_broadcast_operand() -> None:
    def f(x: Any, b: Any) -> Any:
        t = tf.tanh(x * b) + b
        return tf.reduce_sum(t, axis=1), tf.reduce_sum(t, axis=0), t

    _check(f, RNG.standard_normal((600, 517)).astype(np.float32), RNG.standard_normal(517).astype(np.float32))


def test_plan_text_shows_split_and_thread_count() -> None:
    x = np.ones(2 * N, np.float32)
    text = tf.function(w2, threads=2).lower(x).as_text("llvm")
    assert f"split in 2 chunks of dim 0 (extent {2 * N}): [0, {N}) [{N}, {2 * N}), threads=2" in text
    assert "partials combined chunk 0 then 1: Sum:0" in text and "gradc.pthread_create" in text
    serial = tf.function(w2, threads=1).lower(x).as_text("llvm")
    assert "threads=1" in serial and "pthread" not in serial


def test_arithmetic_only_bodies_split_later() -> None:
    x = np.ones(N, np.float32)
    assert "split in 2 chunks" not in tf.function(lambda x: x * 2.0 + 1.0).lower(x).as_text("llvm")
    assert "split in 2 chunks" in tf.function(lambda x: tf.exp(x) + 1.0).lower(x).as_text("llvm")


def test_thread_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADC_THREADS", raising=False)
    assert parallel.thread_count(1) == 1 and parallel.thread_count(8) == 2
    assert parallel.thread_count() == min(2, len(parallel.os.sched_getaffinity(0)))
    monkeypatch.setenv("GRADC_THREADS", "1")
    assert parallel.thread_count() == 1 and parallel.thread_count(2) == 2
    monkeypatch.setenv("GRADC_THREADS", "two")
    with pytest.raises(ValueError, match="GRADC_THREADS"):
        parallel.thread_count()


def test_failed_pthread_create_runs_inline() -> None:
    import ctypes

    x = RNG.standard_normal(N + 9).astype(np.float32)
    fn = _optimized(w2, [x])
    want = compile_function(fn, threads=1)(x)
    calls: list[int] = []
    fail = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(
        lambda *_: calls.append(11) or 11)  # EAGAIN
    real = ctypes.cast(ctypes.CDLL(None).pthread_create, ctypes.c_void_p).value
    llvm.add_symbol(parallel.PTHREAD_CREATE, ctypes.cast(fail, ctypes.c_void_p).value)
    try:
        got = compile_function(fn, threads=2)(x)  # resolved when this module is finalised
    finally:
        llvm.add_symbol(parallel.PTHREAD_CREATE, real)
    assert calls == [11]
    for g, w in zip(got, want, strict=True):
        assert np.array_equal(g, w)


def test_aot_object_is_serial() -> None:
    from gradc.runtime.aot import compile_aot

    x = np.ones(N, np.float32)
    mod = compile_aot(tf.function(w2), [x])
    assert "threads=1" in mod.lowered.llvm_ir and "pthread" not in mod.llvm_ir()
