"""Every gradient rule checked against references that are not gradc's autodiff.

* Completeness: each registry op has a rule in `rules.RULES` or is `differentiable=False`;
  closure: every op kind a rule emits (collected by running the rule on sampled inputs) has
  a rule or is non-differentiable, and has sample inputs so its own rule is tested too.
* First order: d/dx of L = sum_k reduce_sum(result_k * w_k) from `gradients` + the NumPy
  interpreter vs central finite differences of L (forward kernels only), per operand element.
* Second order: Hessian-vector products (gradients of `<grad L, v>`) vs the directional
  finite difference of the first gradient, for every differentiable op.
* VJP dot-product: <J v, u> (forward finite difference) == <v, J^T u> (gradients with grad_ys=u).
* Native: the gradient function JIT-compiled agrees with the interpreter.

Sample inputs come from tests/opcases.py (hypothesis strategies per op, float64).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradc.compiler.autodiff import rules
from gradc.compiler.autodiff.gradients import gradients
from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function, Value
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.ops import registry
from gradc.compiler.ops.registry import Elementwise, OpDef
from gradc.runtime.interpreter import interpret
from gradc.runtime.jit import compile_function

sys.path.insert(0, str(Path(__file__).parent))
from opcases import CASES, FIXED, Case, case_strategy  # noqa: E402

DIFFERENTIABLE = sorted(n for n, od in registry.REGISTRY.items() if od.differentiable)
FAST = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
FEW = settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
ONE = settings(max_examples=1, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


# -- building the functions under test ----------------------------------------------------------


def _weights(shape: tuple[int, ...], dtype: np.dtype, seed: int) -> np.ndarray:
    """Fixed random dyadic weights in [-2, 2] \\ {0} (exact in float32 and float64)."""
    rng = np.random.default_rng(seed)
    mag = rng.integers(1, 17, size=shape) / 8.0
    sign = np.where(rng.integers(0, 2, size=shape) == 1, 1.0, -1.0)
    return np.asarray(mag * sign, dtype=dtype)


class Staged:
    """One op applied to function arguments, plus the scalar L = sum_k sum(result_k * w_k)."""

    def __init__(self, case: Case, name: str = "f") -> None:
        self.case = case
        self.fn = Function(name)
        self.b = Builder(self.fn)
        self.args = [self.b.add_arg(f"a{i}", TensorType(tuple(a.shape), DType.from_np(a.dtype)))
                     for i, a in enumerate(case.inputs)]
        self.xs = [a for a in self.args if a.type.dtype.is_float]
        self.op = self.b.create(case.op, self.args, dict(case.attrs))
        self.results = [r for r in self.op.results if r.type.dtype.is_float]
        terms = []
        for k, r in enumerate(self.results):
            w = self.b.constant(_weights(r.type.shape, r.type.dtype.np, 7 + k), name="w")
            terms.append(self.b.emit("sum", self.b.emit("mul", r, w), axes=None, keepdims=False))
        self.loss = terms[0] if len(terms) == 1 else self.b.emit("add_n", *terms)

    def x_arrays(self) -> list[np.ndarray]:
        return [a for a in self.case.inputs if a.dtype.kind == "f"]

    def full_args(self, xs: list[np.ndarray]) -> list[np.ndarray]:
        """Case inputs with the float ones replaced by `xs` (in order)."""
        it = iter(xs)
        return [next(it) if a.dtype.kind == "f" else a for a in self.case.inputs]

    def run(self, outputs: list[Value], xs: list[np.ndarray]) -> list[np.ndarray]:
        self.fn.outputs = outputs
        return interpret(self.fn, self.full_args(xs))

    def grads(self, ys: list[Value], xs: list[Value], grad_ys: Any = None) -> list[Value]:
        """gradients(ys, xs) with None entries replaced by zeros (so they can be outputs)."""
        gs = gradients(self.b, ys, xs, grad_ys=grad_ys)
        return [g if g is not None else self.b.constant(np.zeros(x.type.shape, x.type.dtype.np), name="z")
                for g, x in zip(gs, xs)]


def _step(case: Case, x: np.ndarray) -> np.ndarray:
    if x.dtype == np.float32:
        return np.full(x.shape, case.fd_step, np.float64)
    return case.fd_step * np.maximum(1.0, np.abs(x))


def _close(got: np.ndarray, want: np.ndarray, what: str, case: Case, rtol: float = 1e-5) -> None:
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    atol = 1e-7 * (1.0 + float(np.max(np.abs(want), initial=0.0)))
    if got.shape != want.shape or not np.allclose(got, want, rtol=rtol, atol=atol):
        raise AssertionError(f"{what} mismatch for {case!r}\n gradc: {got!r}\n reference: {want!r}")


def finite_difference_gradient(s: Staged) -> list[np.ndarray]:
    """Central differences of L, element by element, with the forward kernels only."""
    xs = s.x_arrays()
    out = []
    for i, x in enumerate(xs):
        g = np.zeros(x.shape, np.float64)
        hs = _step(s.case, x)
        for j in np.ndindex(x.shape):
            plus = [a.copy() for a in xs]
            minus = [a.copy() for a in xs]
            plus[i][j] += hs[j]
            minus[i][j] -= hs[j]
            lp = float(s.run([s.loss], plus)[0])
            lm = float(s.run([s.loss], minus)[0])
            g[j] = (lp - lm) / (2 * hs[j])
        out.append(g)
    return out


def _direction(s: Staged, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [np.asarray(rng.integers(-8, 9, size=x.shape) / 8.0, x.dtype) for x in s.x_arrays()]


def _shifted(s: Staged, v: list[np.ndarray], sign: float) -> tuple[list[np.ndarray], float]:
    xs = s.x_arrays()
    if any(x.dtype == np.float32 for x in xs):
        h = s.case.fd_step
    else:
        h = s.case.fd_step * max(1.0, max((float(np.max(np.abs(x), initial=0.0)) for x in xs), default=1.0))
    return [np.asarray(x + sign * h * d, x.dtype) for x, d in zip(xs, v)], h


def _cases(op: str) -> st.SearchStrategy[Case]:
    fixed = FIXED.get(op, [])
    return st.one_of(case_strategy(op), *(st.just(c) for c in fixed)) if fixed else case_strategy(op)


# -- completeness and closure -------------------------------------------------------------------


def missing_rules() -> list[str]:
    """Differentiable registry ops without a gradient rule."""
    return sorted(n for n, od in registry.REGISTRY.items() if od.differentiable and n not in rules.RULES)


def test_every_op_has_a_rule_or_is_non_differentiable() -> None:
    assert missing_rules() == []
    assert set(rules.RULES) <= set(registry.REGISTRY), "rules for unknown ops"


def test_every_differentiable_op_has_sample_inputs() -> None:
    assert sorted(CASES) == DIFFERENTIABLE


def test_a_new_differentiable_op_without_rule_is_caught() -> None:
    name = "test_autodiff_rules_no_rule"
    od = OpDef(name, "TestNoRule", lambda ts, at: [ts[0]], lambda xs, at: [xs[0].copy()], Elementwise("identity"))
    registry.register(od)
    try:
        assert missing_rules() == [name]
        fn = Function("g")
        b = Builder(fn)
        x = b.add_arg("x", TensorType((2,), DType.float64))
        y = b.emit(name, x)
        with pytest.raises(LookupError) as e:
            gradients(b, [y], [x])
        assert str(e.value) == "No gradient defined for operation'TestNoRule' (op type: TestNoRule)"
    finally:
        del registry.REGISTRY[name]
    assert missing_rules() == []


def _emitted_kinds(s: Staged, before: int) -> set[str]:
    return {op.opdef for op in s.fn.ops[before:]}


@pytest.mark.parametrize("op", DIFFERENTIABLE)
@FEW
@given(data=st.data())
def test_rules_are_closed(op: str, data: st.DataObject) -> None:
    """Ops emitted by the op's rule (first and second order) have rules, or are non-differentiable."""
    s = Staged(data.draw(_cases(op)))
    start = len(s.fn.ops)
    g = s.grads([s.loss], s.xs)
    first = _emitted_kinds(s, start)
    mid = len(s.fn.ops)
    v = _direction(s, 3)
    terms = [s.b.emit("sum", s.b.emit("mul", gi, s.b.constant(vi)), axes=None, keepdims=False)
             for gi, vi in zip(g, v)]
    s.grads([terms[0] if len(terms) == 1 else s.b.emit("add_n", *terms)], s.xs)
    second = _emitted_kinds(s, mid)
    for kind in first | second:
        od = registry.get(kind)
        assert not od.differentiable or kind in rules.RULES, f"{op}'s gradient emits {kind} (no rule)"
        assert not od.differentiable or kind in CASES, f"{op}'s gradient emits {kind} (no sample inputs)"


# -- first order: finite differences ------------------------------------------------------------


# Known, deliberate deviations from the mathematical derivative (TensorFlow 2.21 does the same).
TF_DEVIATIONS = {
    # The labels gradient is -log_softmax(logits) * grad_loss only: the backprop output
    # (softmax - labels) depends on labels too, but TF's _SoftmaxCrossEntropyWithLogitsGrad
    # ignores that path; gradc keeps TF's rule (spec §12, case 089).
    "softmax_xent",
}


def _check_first_order(s: Staged) -> None:
    grads = s.run(s.grads([s.loss], s.xs), s.x_arrays())
    fd = finite_difference_gradient(s)
    if s.case.op in TF_DEVIATIONS:
        # TF's rule: labels get -log_softmax(logits) * grad_loss and nothing from the backprop
        # output. The full derivative adds -w_backprop; check both facts exactly.
        w_backprop = _weights(s.results[1].type.shape, np.float64, 8)
        _close(grads[0], fd[0], "logits gradient", s.case)
        _close(grads[1], fd[1] + w_backprop, "labels gradient (TF formula)", s.case)
        return
    for i, (g, f) in enumerate(zip(grads, fd)):
        assert g.dtype == s.x_arrays()[i].dtype, f"gradient dtype {g.dtype} for operand {i}"
        _close(g, f, f"gradient of operand {i}", s.case)


@pytest.mark.parametrize("op", DIFFERENTIABLE)
@FAST
@given(data=st.data())
def test_gradient_matches_finite_differences(op: str, data: st.DataObject) -> None:
    _check_first_order(Staged(data.draw(_cases(op))))


# -- second order: Hessian-vector products ------------------------------------------------------


def _check_hvp(s: Staged) -> None:
    g = s.grads([s.loss], s.xs)
    v = _direction(s, 5)
    if s.case.op == "softmax_xent":
        # Directions tangent to the label simplex (rows sum to 0): there TF's rule is the
        # exact gradient of the loss, so its Jacobian is symmetric in the logits/labels block.
        v[1] = v[1] - v[1].mean(axis=1, keepdims=True)
    terms = [s.b.emit("sum", s.b.emit("mul", gi, s.b.constant(vi, name="v")), axes=None, keepdims=False)
             for gi, vi in zip(g, v)]
    l2 = terms[0] if len(terms) == 1 else s.b.emit("add_n", *terms)
    hv = s.run(s.grads([l2], s.xs), s.x_arrays())
    plus, h = _shifted(s, v, +1.0)
    minus, _ = _shifted(s, v, -1.0)
    gp, gm = s.run(g, plus), s.run(g, minus)
    for i, (a, p, m) in enumerate(zip(hv, gp, gm)):
        want = (np.asarray(p, np.float64) - np.asarray(m, np.float64)) / (2 * h)
        if s.case.op in TF_DEVIATIONS and i == 1:
            # TF's labels rule ignores the gradient of the backprop output, and the loss
            # output gets none in the second pass: the labels part is exactly zero.
            assert not np.any(a), f"labels Hessian-vector product {a!r} (TF's rule gives 0)"
            continue
        _close(a, want, f"Hessian-vector product, operand {i}", s.case, rtol=1e-4)


@pytest.mark.parametrize("op", DIFFERENTIABLE)
@FEW
@given(data=st.data())
def test_second_order_matches_finite_differences(op: str, data: st.DataObject) -> None:
    _check_hvp(Staged(data.draw(_cases(op))))


# -- VJP dot-product test -----------------------------------------------------------------------


@pytest.mark.parametrize("op", DIFFERENTIABLE)
@FAST
@given(data=st.data())
def test_vjp_dot_product(op: str, data: st.DataObject) -> None:
    s = Staged(data.draw(_cases(op)))
    u = [_weights(r.type.shape, r.type.dtype.np, 11 + k) for k, r in enumerate(s.results)]
    jtu = s.run(s.grads(s.results, s.xs, grad_ys=u), s.x_arrays())
    v = _direction(s, 13)
    if s.case.op in TF_DEVIATIONS:
        v[1] = np.zeros_like(v[1])  # TF's labels rule is not the labels VJP (TF_DEVIATIONS)
    plus, h = _shifted(s, v, +1.0)
    minus, _ = _shifted(s, v, -1.0)
    fp, fm = s.run(s.results, plus), s.run(s.results, minus)
    jv_u = sum(float(np.sum((np.asarray(p, np.float64) - np.asarray(m, np.float64)) / (2 * h) * uk))
               for p, m, uk in zip(fp, fm, u))
    v_jtu = sum(float(np.sum(vi.astype(np.float64) * np.asarray(gi, np.float64))) for vi, gi in zip(v, jtu))
    scale = 1.0 + sum(float(np.sum(np.abs(vi) * np.abs(gi))) for vi, gi in zip(v, jtu))
    assert abs(jv_u - v_jtu) <= 1e-6 * scale, f"<Jv,u>={jv_u!r} <v,J^T u>={v_jtu!r} for {s.case!r}"


# -- native code agrees with the interpreter ----------------------------------------------------


@pytest.mark.parametrize("op", DIFFERENTIABLE)
@ONE
@given(data=st.data())
def test_native_gradient_matches_interpreter(op: str, data: st.DataObject) -> None:
    s = Staged(data.draw(_cases(op)), name=f"grad_{op}")
    g = s.grads([s.loss], s.xs)
    s.fn.outputs = g
    args = s.full_args(s.x_arrays())
    want = interpret(s.fn, args)
    got = compile_function(s.fn)(*args)
    for i, (a, w) in enumerate(zip(got, want)):
        assert a.dtype == w.dtype and a.shape == w.shape
        assert np.allclose(a, w, rtol=1e-10, atol=1e-12), f"operand {i}: native {a!r} vs {w!r} for {s.case!r}"
