"""Compile-time structure: out-of-line vecmath in large modules, verification counts.

No timing assertions: these check the properties that keep compile time linear in the number
of ops (each vecmath body emitted once per module however many ops call it; the verifier run
once per pipeline outside debugging) and that the fast paths give bit-identical results.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import gradc
from gradc.compiler.ir import verify as verify_mod
from gradc.compiler.lowering.llvm import vecmath
from gradc.compiler.passes import PassManager, default_pipeline, manager


def _chain(depth: int, fn: Any = None) -> Any:
    op = fn or gradc.tanh

    @gradc.function
    def step(x0: Any) -> Any:
        x = x0
        for _ in range(depth):
            x = x + 0.01 * op(x)
        (g,) = gradc.gradients(gradc.reduce_sum(x), [x0])
        return x, g

    return step


def _x(n: int = 1003) -> np.ndarray:
    return np.random.default_rng(0).uniform(-3, 3, n).astype(np.float32)


@pytest.mark.parametrize("name", ["tanh", "exp", "sin", "cos", "sigmoid", "log1p"])
def test_outlined_vecmath_is_bit_identical(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Vector variants run the same IEEE operations as the inlined code: same bits."""
    op = getattr(gradc.math, name) if name != "tanh" else gradc.tanh
    x = _x() * (0.1 if name in ("exp", "log1p") else 1.0)
    monkeypatch.setattr(vecmath, "OUTLINE_AFTER", 10**9)
    inline = _chain(12, op)(x)
    monkeypatch.setattr(vecmath, "OUTLINE_AFTER", 1)
    lowered = _chain(12, op).lower(x)
    assert f"gradc.vm.{name}.f32.v16" in lowered.as_text("llvm-opt")
    outlined = lowered(x)
    for a, b in zip(inline, outlined, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_vecmath_body_emitted_once_per_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above OUTLINE_AFTER call sites the module holds one body per variant, not one per op."""
    monkeypatch.setattr(vecmath, "OUTLINE_AFTER", 9)
    sizes = {}
    for depth in (30, 60):
        text = _chain(depth).lower(_x()).as_text("llvm")
        assert text.count("define internal float @\"gradc.vm.tanh.f32\"") == 1
        assert text.count("define internal intel_ocl_bicc <16 x float> @\"gradc.vm.tanh.f32.v16\"") == 1
        assert text.count("call float @\"gradc.vm.tanh.f32\"") == depth  # one call per op
        sizes[depth] = text.count("\n")
    assert sizes[60] < 2.2 * sizes[30]  # linear growth: no per-op polynomial


def test_small_modules_keep_inlined_vecmath(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vecmath, "OUTLINE_AFTER", 9)
    text = _chain(3).lower(_x()).as_text("llvm")
    assert "vector-function-abi-variant" not in text
    assert "alwaysinline" in text


def test_pass_manager_verifies_once_outside_debugging(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = verify_mod.verify

    def counting(fn: Any) -> None:
        calls.append(1)
        real(fn)

    monkeypatch.setattr(manager, "verify_fn", counting)
    fn, _ = _chain(5).trace([_x()])
    PassManager(default_pipeline(), verify_each=False).run(fn)
    assert len(calls) == 1
    calls.clear()
    fn, _ = _chain(5).trace([_x()])
    PassManager(default_pipeline(), verify_each=True).run(fn)
    assert len(calls) == len(default_pipeline()) + 1


def test_compile_cache_hit_does_not_retrace() -> None:
    f = _chain(4)
    x = _x()
    f(x)
    f(x)
    assert len(f._cache) == 1


def test_repeated_loop_groups_share_one_kernel() -> None:
    """An unrolled chain fuses into many loop groups but few distinct kernels (one LLVM
    function per body), so the kernel count stays flat as the chain grows; values still
    equal the reference interpreter."""
    from gradc.runtime.interpreter import interpret

    x = _x(1000)
    kernels = {}
    for depth in (200, 400):
        lowered = _chain(depth).lower(x)
        text = lowered.as_text("llvm")
        plan = [line for line in text.splitlines() if line.startswith("; [")]
        kernels[depth] = text.count("define internal void @\"gradc_step")
        assert len(plan) > 2 * kernels[depth]  # groups outnumber kernels
        got = lowered(x)
        want = interpret(lowered.entry.ir, [x])
        for a, b in zip(got, want, strict=True):
            np.testing.assert_allclose(np.asarray(a), b, rtol=2e-6, atol=1e-6)
    assert kernels[400] <= kernels[200] + 2
