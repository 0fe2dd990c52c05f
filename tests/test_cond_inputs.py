"""tf.cond's `cond_inputs` op (TF's If): input order and gradient names as TF 2.21 builds them,
valid IR for nested conds, and no run-time cost (aliases natively, forwarded values in MLIR).

The expected operand and gradient names were read from TensorFlow 2.21's graphs for the same
programs (`StatelessIf cond [Greater:0, ...]`, `gradients/cond_grad/Identity_k`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import gradc as tf
from gradc.compiler.ir.core import Function, Op
from gradc.compiler.ir.parser import parse_function
from gradc.compiler.ir.printer import print_function
from gradc.compiler.ir.verify import verify
from gradc.compiler.lowering.llvm.fusion import plan_fusion
from gradc.compiler.lowering.mlir import emit_function
from gradc.compiler.passes import PassManager, default_pipeline
from gradc.runtime.interpreter import interpret
from gradc.runtime.jit import compile_function

V2 = [np.array([1.0, 2.0], np.float32), np.array([3.0, 4.0], np.float32), np.array([5.0, 6.0], np.float32)]


def _trace(f: Any, *args: Any) -> tuple[Function, Any]:
    return tf.function(f).trace(list(args))


def _conds(fn: Function) -> list[Op]:
    return [op for op in fn.ops if op.opdef == "cond_inputs"]


def test_inputs_in_tf_order_and_gradient_names() -> None:
    seen: list[Any] = []

    def f(x, y, w):
        a = x * 2.0
        z = tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.sin(y) * a, lambda: x * w + y)
        g = tf.gradients(z, [x, y, w, a])
        seen.append(g)
        return g

    fn, _ = _trace(f, *V2)
    (c,) = _conds(fn)
    # TF: StatelessIf cond ['Greater:0', 'y:0', 'mul:0', 'x:0', 'w:0']
    assert c.name == "cond" and [v.name for v in c.operands] == ["Greater:0", "y:0", "mul:0", "x:0", "w:0"]
    assert [t.name for t in seen[0]] == ["gradients/AddN:0", "gradients/cond_grad/Identity:0",
                                         "gradients/cond_grad/Identity_3:0", "gradients/cond_grad/Identity_1:0"]


def test_identities_skip_inputs_without_gradient() -> None:
    seen: list[Any] = []

    def f(x, y, w, n):
        z = tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.stop_gradient(w) * x * tf.cast(n, tf.float32),
                    lambda: y * x)
        g = tf.gradients(z, [x, y, w, n])
        seen.append(g)
        return [t for t in g if t is not None]

    fn, _ = _trace(f, *V2, np.array(3, np.int32))
    (c,) = _conds(fn)
    assert [v.name for v in c.operands] == ["Greater:0", "w:0", "x:0", "n:0", "y:0"]
    names = [None if t is None else t.name for t in seen[0]]
    assert names == ["gradients/cond_grad/Identity:0", "gradients/cond_grad/Identity_1:0", None, None]


def _nested(x, w):
    def outer_true():
        h = tf.tanh(x * w)
        return tf.cond(w[0] > 0.0, lambda: h * x + w, lambda: tf.exp(x))

    z = tf.cond(tf.reduce_sum(x) > 0.0, outer_true, lambda: w * w)
    return tf.gradients(tf.reduce_sum(z), [x, w])


def test_nested_conds_are_valid_ir_and_round_trip() -> None:
    fn, _ = _trace(_nested, V2[0], V2[1])
    verify(fn)
    outer, inner = _conds(fn)
    assert (outer.name, inner.name) == ("cond", "cond/cond")
    assert [v.name for v in outer.operands] == ["Greater:0", "x:0", "w:0"]
    # The inner cond reads the outer true branch's view of x and w (its gates) and h.
    assert all(v.op is not None and v.op.name.startswith("cond/") for v in inner.operands)
    text = print_function(fn)
    assert print_function(parse_function(text)) == text


@pytest.mark.parametrize("fuse", [True, False])
def test_no_run_time_cost_and_native_matches_interpreter(fuse: bool) -> None:
    fn, _ = _trace(_nested, V2[0], V2[1])
    PassManager(default_pipeline(), verify=True).run(fn)
    conds = _conds(fn)
    assert conds, "the pipeline keeps the op (it is free to lower)"
    plan = plan_fusion(fn, fuse=fuse)
    for c in conds:
        assert all(plan.kind[r] == "alias" for r in c.results)
        assert not any(c in n.ops for n in plan.nodes)
    mlir = emit_function(fn)
    assert 'loc("cond"(' not in mlir and 'loc("cond/cond"(' not in mlir  # no MLIR op of its own
    native = compile_function(fn, fuse=fuse)(V2[0], V2[1])
    for got, want in zip(native, interpret(fn, [V2[0], V2[1]]), strict=True):
        np.testing.assert_array_equal(got, want)


def test_views_captured_by_a_cond_are_copied_correctly() -> None:
    """A strided view (transpose, slice) as a cond input is read through, not aliased."""

    def f(m):
        t = tf.transpose(m)
        s = m[1:, :2][:, ::-1]
        z = tf.cond(tf.reduce_sum(m) > 0.0, lambda: t[:2, :2] * s, lambda: s - t[1:, 1:])
        return z, tf.gradients(tf.reduce_sum(z * z), m)

    m = np.arange(9, dtype=np.float32).reshape(3, 3) - 2.0
    fn, _ = _trace(f, m)
    PassManager(default_pipeline(), verify=True).run(fn)
    assert _conds(fn)
    for fuse in (True, False):
        got = compile_function(fn, fuse=fuse)(m)
        for g, w in zip(got, interpret(fn, [m]), strict=True):
            np.testing.assert_array_equal(g, w)
    t, s = m.T, m[1:, :2][:, ::-1]
    np.testing.assert_array_equal(interpret(fn, [m])[0], t[:2, :2] * s)
