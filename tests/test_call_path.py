"""The cached call path: the native builtin (runtime/pycall.py), the ctypes fast path behind it
and the checked path, seen from `gradc.function`.

Verification mode (on in the test suite) routes every call through the interpreter check and
never takes the fast paths, so these tests switch it off for the functions they build.
"""

from __future__ import annotations

import gc
import sys
import threading
from typing import Any

import numpy as np
import pytest

import gradc as tf
from gradc.runtime import pycall
from gradc.tensor import Result

BUILTIN = type(len)
needs_builtin = pytest.mark.skipif(not pycall.available(), reason="no native builtin in this interpreter")


@pytest.fixture(autouse=True)
def _no_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADC_VERIFY", "0")


def _seed() -> Any:
    @tf.function
    def step(a):
        b = 5 * a
        return tf.gradients([b + a], [a])

    return step


def _affine() -> Any:
    @tf.function
    def f(x):
        return x * 2.0 + 1.0

    return f


@needs_builtin
def test_seed_call_goes_through_one_builtin() -> None:
    step = _seed()
    a = np.ones([1, 2], np.float32)
    first = step(a)
    assert type(step._hot) is BUILTIN
    for out in (first, step(a)):
        assert type(out) is list and len(out) == 1 and type(out[0]) is Result
        np.testing.assert_array_equal(out[0], [[6.0, 6.0]])
        assert out[0].dtype == np.float32 and out[0].flags.c_contiguous and out[0].flags.writeable
    assert pycall.MISS is step._hot(a, a)  # anything else is not its business


def test_new_shape_or_dtype_retraces_and_old_ones_stay_cached() -> None:
    f = _affine()
    cases = [np.arange(2, dtype=np.float32), np.arange(6, dtype=np.float32).reshape(3, 2),
             np.arange(2, dtype=np.float64), np.arange(2, dtype=np.float32).reshape(1, 2)]
    for x in cases + cases[::-1] + cases:
        (y,) = [f(x)]
        assert y.shape == x.shape and y.dtype == x.dtype
        np.testing.assert_array_equal(y, x * 2 + 1)
    assert len(f._cache) == 4


def test_wrong_argument_count_raises_before_native_code() -> None:
    f = _affine()
    x = np.ones(3, np.float32)
    f(x)
    with pytest.raises(TypeError):
        f(x, x)
    with pytest.raises(TypeError):
        f()
    np.testing.assert_array_equal(f(x), x * 2 + 1)


def test_input_signature_mismatch_is_a_python_error() -> None:
    @tf.function(input_signature=[tf.TensorSpec([2], tf.float32)])
    def g(x):
        return x + 1.0

    np.testing.assert_array_equal(g(np.ones(2, np.float32)), [2.0, 2.0])
    with pytest.raises(ValueError, match="input_signature"):
        g(np.ones(3, np.float32))
    # TF 2.21 casts NumPy data to the spec's dtype (recorded; see test_rejects_valid.py).
    np.testing.assert_array_equal(g(np.ones(2, np.float64)), np.float32([2.0, 2.0]))


def test_shape_errors_surface_as_python_exceptions() -> None:
    @tf.function
    def add(a, b):
        return a + b

    add(np.ones(3, np.float32), np.ones(3, np.float32))
    with pytest.raises(Exception, match=r"(?i)shape|broadcast|incompatible") as info:
        add(np.ones((2, 3), np.float32), np.ones(4, np.float32))
    assert isinstance(info.value, ValueError)


def test_outputs_are_fresh_arrays_every_call() -> None:
    f = _affine()
    x = np.ones((2, 2), np.float32)
    r1, r2 = f(x), f(x)
    assert r1 is not r2 and not np.shares_memory(r1, r2) and not np.shares_memory(r1, x)
    r1[...] = -7.0
    np.testing.assert_array_equal(r2, 3.0)
    np.testing.assert_array_equal(f(x), 3.0)
    step = _seed()
    a = np.ones([1, 2], np.float32)
    o1, o2 = step(a), step(a)
    assert o1 is not o2 and o1[0] is not o2[0] and not np.shares_memory(o1[0], o2[0])


def test_lists_scalars_and_non_contiguous_arguments() -> None:
    f = _affine()
    base = np.arange(12, dtype=np.float32).reshape(3, 4)
    f(np.ones((3, 2), np.float32))  # the hot signature first: the others must not take it
    for x in (base[:, ::2], np.asfortranarray(base[:, :2]), base.T[:2, :3]):
        np.testing.assert_array_equal(f(x), x * 2 + 1)
    with pytest.raises(TypeError, match="sequence"):  # a list stays a Python value, as in TF
        f([[1.0, 2.0]])

    @tf.function
    def g(x):
        return tf.constant(x) * 2.0 + 1.0

    for _ in range(2):
        np.testing.assert_array_equal(g([[1.0, 2.0]]), [[3.0, 5.0]])
    assert float(f(np.float32(2.0))) == 5.0
    assert float(f(3.0)) == 7.0
    unaligned = np.frombuffer(np.zeros(4 * 6 + 1, np.uint8).data, np.uint8, 24, 1).view(np.float32)
    unaligned[:] = np.arange(6)
    assert not unaligned.flags.aligned
    np.testing.assert_array_equal(f(unaligned), np.arange(6) * 2 + 1)
    np.testing.assert_array_equal(f(np.ones((3, 2), np.float32)), 3.0)


def test_results_fed_back_in_and_scalars_and_empty() -> None:
    f = _affine()
    y = f(np.ones(4, np.float32))
    for _ in range(3):
        y = f(y)
    np.testing.assert_array_equal(y, 31.0)
    for x in (np.array(2.0, np.float32), np.zeros((0, 3), np.float32)):
        for _ in range(2):
            r = f(x)
            assert r.shape == x.shape
            np.testing.assert_array_equal(r, x * 2 + 1)


def test_structure_nesting_none_and_dicts() -> None:
    @tf.function
    def nested(x):
        return x * 2.0, [x + 1.0, None], (x - 1.0,)

    @tf.function
    def keyed(x):
        return {"double": x * 2.0, "pair": [x, None]}

    @tf.function
    def unconnected(x, y):
        return tf.gradients([x * 3.0], [x, y])

    x = np.ones(2, np.float32)
    for _ in range(3):
        a, (b, none), (c,) = r = nested(x)
        assert type(r) is tuple and none is None and type(r[1]) is list and type(r[2]) is tuple
        np.testing.assert_array_equal(a, 2.0)
        np.testing.assert_array_equal(b, 2.0)
        np.testing.assert_array_equal(c, 0.0)
        d = keyed(x)
        assert set(d) == {"double", "pair"} and d["pair"][1] is None
        np.testing.assert_array_equal(d["pair"][0], 1.0)
        assert d["pair"][0] is not x
        g = unconnected(x, x)
        assert type(g) is list and g[1] is None
        np.testing.assert_array_equal(g[0], 3.0)


def test_gradc_print_runs_on_every_cached_call(capsys: pytest.CaptureFixture[str]) -> None:
    @tf.function
    def shout(x):
        tf.print("x:", x)
        return x + 1.0

    x = np.ones(2, np.float32)
    for _ in range(3):
        np.testing.assert_array_equal(shout(x), 2.0)
    assert capsys.readouterr().err.count("x: [1 1]") == 3


def test_refcounts_stay_put_over_many_calls() -> None:
    step = _seed()
    a = np.ones([1, 2], np.float32)
    fortran = np.asfortranarray(np.ones((1, 2), np.float32))
    r = step(a)
    step(fortran)
    dt = np.dtype(np.float32)
    probes = (a, fortran, dt, Result, pycall.MISS, r, r[0])
    gc.collect()
    before = [sys.getrefcount(p) for p in probes]
    for _ in range(10000):
        step(a)
        step(fortran)  # the builtin says MISS, the checked path runs
        if step._hot is not None:
            step._hot(a, a)
    gc.collect()
    assert [sys.getrefcount(p) for p in probes] == before


def test_alternating_signatures_and_threads() -> None:
    f = _affine()
    xs = [np.full((2, 3), 1.0, np.float32), np.full(5, 2.0, np.float64), np.full((1,), 3.0, np.float32)]
    errors: list[str] = []

    def work() -> None:
        for i in range(300):
            x = xs[i % 3]
            y = f(x)
            if y.shape != x.shape or y.dtype != x.dtype or not np.all(y == x * 2 + 1):
                errors.append(f"{x.dtype}{x.shape} -> {y!r}")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_large_functions_keep_the_gil_releasing_entry() -> None:
    f = _affine()
    x = np.ones(pycall.MAX_BYTES // 4, np.float32)
    np.testing.assert_array_equal(f(x), 3.0)
    assert f._hot is None
    np.testing.assert_array_equal(f(x), 3.0)


@needs_builtin
def test_allocation_failure_is_an_exception_and_frees_everything() -> None:
    step = _seed()
    a = np.ones([1, 2], np.float32)
    step(a)
    caller = next(iter(step._cache.values())).run._call
    count = [0]

    class Flaky(np.ndarray):
        def __array_finalize__(self, obj: Any) -> None:
            count[0] += 1
            if count[0] % 2 == 0:
                raise RuntimeError("no memory today")

    sig = caller.sig
    spec = ([0, None], (None,))  # outputs are made after the containers: fail mid-structure
    fn = pycall.build_builtin("flaky", caller.address, sig.in_types, sig.out_types,
                              sig.workspace_size, spec, Flaky)
    assert fn is not None
    dt = np.dtype(np.float32)
    ok = failed = 0
    for i in range(2002):
        if i == 2:
            gc.collect()
            before = sys.getrefcount(dt), sys.getrefcount(Flaky), sys.getrefcount(a)
        try:
            r = fn(a)
        except RuntimeError:
            failed += 1
        else:
            ok += 1
            assert type(r) is tuple and r[1] == (None,) and r[0][1] is None
            assert type(r[0][0]) is Flaky
            np.testing.assert_array_equal(r[0][0].view(np.ndarray), [[6.0, 6.0]])
            del r
    assert ok == failed == 1001
    gc.collect()
    assert (sys.getrefcount(dt), sys.getrefcount(Flaky), sys.getrefcount(a)) == before


def test_dispatcher_object_cache_ignores_damaged_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    import hashlib

    import llvmlite.binding as llvm

    from gradc.runtime.jit import _engine

    _, tm = _engine()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("GRADC_CACHE", raising=False)
    first = pycall._object_code(llvm, tm.triple, str(tm.target_data))
    (path,) = (tmp_path / "gradc" / "native").iterdir()
    assert path.read_bytes() == hashlib.sha256(first).digest() + first
    path.write_bytes(path.read_bytes()[:-100])  # truncated: recompiled and rewritten
    again = pycall._object_code(llvm, tm.triple, str(tm.target_data))
    assert len(again) == len(first) and path.read_bytes()[32:] == again
