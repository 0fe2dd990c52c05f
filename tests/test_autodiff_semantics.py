"""tf.gradients behaviour through the public API (`import gradc as tf`, `@tf.function`).

Targets /work/shared/TF_GRADIENTS_SPEC.md, mostly the items the conformance corpus does not
pin: stop_gradients (partial vs total derivative), unconnected 'zero' dtypes, aggregation
op names and input order, gate_gradients ops in the IR, hessians values/shapes/names, §14
error types and messages, case-insensitive scope names, `name=''`, and the argument edge
cases of §1/§2/§7. Op names are read from tensors while tracing and from the `autodiff` IR
text (`f.lower(...).as_text("autodiff")`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import gradc as tf

X2 = np.array([2.0, -1.0], np.float32)
X64 = np.array([0.5, -1.5, 2.0], np.float64)


def names_of(ts: list[Any]) -> list[str | None]:
    out: list[str | None] = []  # a loop: helpers called while staging are staged too
    for t in ts:
        out.append(None if t is None else t.name)
    return out


def traced_names(fn: Callable[..., Any], *args: Any) -> tuple[Any, list[Any]]:
    """Run fn(seen, x[, w]) under tf.function; return its result and what it appended to `seen`."""
    seen: list[Any] = []

    def one(x: Any) -> Any:  # placeholders are named after these parameters: x, w
        return fn(seen, x)

    def two(x: Any, w: Any) -> Any:
        return fn(seen, x, w)

    out = tf.function(one if len(args) == 1 else two)(*args)
    return out, seen


def autodiff_ops(fn: Callable[..., Any], *args: Any) -> list[tuple[str, str, list[str]]]:
    """(kind, op name, operand op names) for each op of the autodiff-stage IR text."""
    text = tf.function(fn).lower(*args).as_text("autodiff")
    ssa_to_name: dict[str, str] = {}
    ops = []
    pat = re.compile(r'^\s*(?:(%[\w.]+) = )?"gradc\.(\w+)"\(([^)]*)\) \{name = "([^"]+)"')
    for line in text.splitlines():
        m = pat.match(line)
        if not m:
            continue
        ssa, kind, operands, name = m.groups()
        if ssa:
            ssa_to_name[ssa] = name
        ins = [ssa_to_name.get(o.strip(), o.strip().lstrip("%")) for o in operands.split(",") if o.strip()]
        ops.append((kind, name, ins))
    return ops


def raised(fn: Callable[..., Any], *args: Any) -> BaseException:
    with pytest.raises(Exception) as e:
        tf.function(fn)(*args)
    return e.value


def original_message(e: BaseException) -> str:
    """The error text without the `in user code:` traceback prefix (§13: original text last)."""
    text = str(e)
    return text.split("\n\n")[-1].strip().split(": ", 1)[-1] if "in user code:" in text else text


# -- §4 stop_gradients: partial vs total derivative ----------------------------------------------


def test_stop_gradients_documented_example_exact_values() -> None:
    @tf.function
    def f() -> Any:
        a = tf.constant(0.0)
        b = 2 * a
        partial = tf.gradients(a + b, [a, b], stop_gradients=[a, b])
        total = tf.gradients(a + b, [a, b])
        a2 = tf.stop_gradient(tf.constant(0.0))
        b2 = tf.stop_gradient(2 * a2)
        op = tf.gradients(a2 + b2, [a2, b2])
        return partial, total, op

    partial, total, op = f()
    assert [float(v) for v in partial] == [1.0, 1.0]
    assert [float(v) for v in total] == [3.0, 1.0]
    assert [float(v) for v in op] == [1.0, 1.0]


def test_stop_gradients_on_intermediates_combine_and_ignore_unrelated() -> None:
    @tf.function
    def f(x: Any) -> Any:
        h = x * x
        k = tf.sin(x)
        y = 3.0 * h + x + k
        unrelated = tf.exp(tf.constant([1.0, 2.0]))
        return (tf.gradients(y, x, stop_gradients=h),
                tf.gradients(y, x, stop_gradients=[h, k]),
                tf.gradients(y, x, stop_gradients=[unrelated]),
                tf.gradients(y, x, stop_gradients=(x,)),  # listing an x never changes its own gradient
                tf.gradients(y, [x, h], stop_gradients=[h]))

    only_h, both, unrel, on_x, with_h = f(X2)
    x = X2.astype(np.float64)
    np.testing.assert_allclose(only_h[0], 1 + np.cos(x), rtol=1e-6)
    np.testing.assert_allclose(both[0], [1.0, 1.0])
    full = 6 * x + 1 + np.cos(x)
    np.testing.assert_allclose(unrel[0], full, rtol=1e-6)
    np.testing.assert_allclose(on_x[0], full, rtol=1e-6)
    np.testing.assert_allclose(with_h[0], 1 + np.cos(x), rtol=1e-6)
    np.testing.assert_allclose(with_h[1], [3.0, 3.0])  # a listed stop tensor keeps its own gradient


def test_stop_gradients_partial_derivatives_of_a_chain() -> None:
    # a -> b = a^2 -> c = b * a: d c/d a total = 3a^2, partial (b held) = b = a^2.
    @tf.function
    def f(a: Any) -> Any:
        b = a * a
        c = b * a
        return tf.gradients(c, [a, b]), tf.gradients(c, [a, b], stop_gradients=[b])

    total, partial = f(np.array([2.0, 3.0], np.float64))
    np.testing.assert_array_equal(total[0], [12.0, 27.0])
    np.testing.assert_array_equal(total[1], [2.0, 3.0])
    np.testing.assert_array_equal(partial[0], [4.0, 9.0])
    np.testing.assert_array_equal(partial[1], [2.0, 3.0])


def test_stop_gradients_on_ys() -> None:
    @tf.function
    def f(x: Any) -> Any:
        y = x * x
        return (tf.gradients(y, [x], stop_gradients=[y]), tf.gradients(y, [y, x], stop_gradients=[y]),
                tf.gradients(y, [y, x], stop_gradients=[y], unconnected_gradients="zero"))

    none, ones_none, zeros = f(X2)
    assert none == [None]
    np.testing.assert_array_equal(ones_none[0], [1.0, 1.0])
    assert ones_none[1] is None
    assert zeros[1].dtype == np.float32
    np.testing.assert_array_equal(zeros[1], [0.0, 0.0])


# -- §5/§6 unconnected gradients ----------------------------------------------------------------


def test_unconnected_zero_keeps_each_x_dtype_and_shape() -> None:
    @tf.function
    def f(x: Any, d: Any, i: Any, b: Any) -> Any:
        y = tf.reduce_sum(x * x)
        via_int = tf.cast(tf.cast(x, tf.int32), tf.float32)  # int path: never followed
        stopped = tf.stop_gradient(x)
        z = y + tf.reduce_sum(via_int) + tf.reduce_sum(stopped * 3.0)
        zero = tf.gradients(z, [d, i, b, via_int, stopped], unconnected_gradients=tf.UnconnectedGradients.ZERO)
        also = tf.gradients(y, [d, i, b], unconnected_gradients="zero")
        none = tf.gradients(y, [d, i, b])
        blocked = tf.gradients(z, x, stop_gradients=[y], unconnected_gradients="zero")
        return zero, also, none, blocked

    d = np.ones((2, 3), np.float64)
    i = np.array([4, 5], np.int32)
    b = np.array([[True]])
    zero, also, none, blocked = f(X2, d, i, b)
    for got, like in zip(zero[:3], (d, i, b)):
        assert got.dtype == like.dtype and got.shape == like.shape and not np.any(got)
    np.testing.assert_array_equal(zero[3], [1.0, 1.0])  # via_int is an x fed straight into a sum
    np.testing.assert_array_equal(zero[4], [3.0, 3.0])
    for got, like in zip(also, (d, i, b)):
        assert got.dtype == like.dtype and got.shape == like.shape and not np.any(got)
    assert none == [None, None, None]
    # x reaches z only through y (stopped), the int path and stop_gradient: zeros.
    assert blocked[0].dtype == np.float32
    np.testing.assert_array_equal(blocked[0], [0.0, 0.0])


@pytest.mark.parametrize("bad", ["ZERO", "Zero", "None", None, 1, "foo"])
def test_unconnected_gradients_invalid_values(bad: Any) -> None:
    def f(x: Any) -> Any:
        return tf.gradients(x * x, x, unconnected_gradients=bad)

    e = raised(f, X2)
    assert type(e) is ValueError
    assert original_message(e) == f"Unknown value for unconnected_gradients: {bad!r}"


# -- §7 aggregation -----------------------------------------------------------------------------


def _k_terms(k: int, method: Any) -> Callable[..., Any]:
    def f(seen: list[Any], x: Any) -> Any:
        y = x * 1.0
        for c in range(2, k + 1):
            y = y + x * float(c)
        g = tf.gradients(y, x, aggregation_method=method)
        seen.append(g[0].name)
        return g

    return f


@pytest.mark.parametrize("k", [3, 5])
@pytest.mark.parametrize("method", [None, 0, tf.AggregationMethod.ADD_N, tf.AggregationMethod.DEFAULT])
def test_add_n_aggregation_is_one_op(k: int, method: Any) -> None:
    g, seen = traced_names(_k_terms(k, method), X2)
    np.testing.assert_array_equal(g[0], [k * (k + 1) / 2] * 2)
    assert seen == ["gradients/AddN:0"]
    addns = [(n, ins) for kind, n, ins in autodiff_ops(lambda x: _k_terms(k, method)([], x), X2)
             if kind == "add_n"]
    assert len(addns) == 1 and len(addns[0][1]) == k


def test_add_n_input_order_follows_processing_order() -> None:
    def f(x: Any) -> Any:
        return tf.gradients(x * 1.0 + x * 2.0 + x * 3.0, x)

    [(kind, name, ins)] = [o for o in autodiff_ops(f, X2) if o[0] == "add_n"]
    assert name == "gradients/AddN"
    assert ins == ["gradients/mul_2_grad/Mul", "gradients/mul_grad/Mul", "gradients/mul_1_grad/Mul"]


@pytest.mark.parametrize("k,last", [(2, "AddN"), (3, "AddN_1"), (5, "AddN_3")])
@pytest.mark.parametrize("method", [tf.AggregationMethod.EXPERIMENTAL_TREE,
                                    tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N, 1, 2, True])
def test_tree_aggregation_is_a_chain_of_pairwise_add_n(k: int, last: str, method: Any) -> None:
    g, seen = traced_names(_k_terms(k, method), X2)
    np.testing.assert_array_equal(g[0], [k * (k + 1) / 2] * 2)
    assert seen == [f"gradients/x_gradient_sum/{last}:0"]
    addns = [(n, ins) for kind, n, ins in autodiff_ops(lambda x: _k_terms(k, method)([], x), X2)
             if kind == "add_n"]
    chain = ["gradients/x_gradient_sum/AddN"] + [f"gradients/x_gradient_sum/AddN_{i}" for i in range(1, k - 1)]
    assert [n for n, _ in addns] == chain
    assert all(len(ins) == 2 for _, ins in addns)
    for prev, (_, ins) in zip(chain, addns[1:]):
        assert ins[0] == prev  # each step accumulates onto the previous sum


def test_tree_aggregation_scope_names_the_forward_op() -> None:
    def f(seen: list[Any], x: Any) -> Any:
        h = tf.exp(x)
        g = tf.gradients(h * h + h, [x, h], aggregation_method=1)
        seen.extend(names_of(g))
        return g

    _, seen = traced_names(f, X2)
    assert seen == ["gradients/Exp_grad/mul:0", "gradients/Exp_gradient_sum/AddN_1:0"]


@pytest.mark.parametrize("bad", [7, -1, "add_n", 3])
def test_invalid_aggregation_method(bad: Any) -> None:
    def f(x: Any) -> Any:
        return tf.gradients(tf.exp(x), x, aggregation_method=bad)  # no aggregation needed: still raises

    e = raised(f, X2)
    assert type(e) is ValueError
    assert original_message(e) == f"Invalid `aggregation_method` specified {bad}. Accepted values are [0, 1, 2]."


def test_invalid_aggregation_method_not_checked_when_nothing_is_processed() -> None:
    @tf.function
    def f(x: Any) -> Any:
        return tf.gradients(tf.constant(3.0), x, aggregation_method=7), tf.gradients(x * x, [], aggregation_method=7)

    assert f(X2) == ([None], [])


# -- §8 gate_gradients --------------------------------------------------------------------------


def test_gate_gradients_ops_in_the_ir() -> None:
    def f(seen: list[Any], x: Any, w: Any) -> Any:
        g = tf.gradients(x * w, [x, w], gate_gradients=True)
        e = tf.gradients(tf.exp(x), x, gate_gradients=True)
        m = tf.gradients(tf.matmul(tf.reshape(x, [1, 2]), tf.reshape(w, [2, 1])), x, gate_gradients=True)
        seen.extend(names_of(g + e + m))
        return g

    g, seen = traced_names(f, X2, np.array([3.0, 4.0], np.float32))
    np.testing.assert_array_equal(g[0], [3.0, 4.0])
    np.testing.assert_array_equal(g[1], [2.0, -1.0])
    assert seen == ["gradients/mul_grad/tuple/control_dependency:0",
                    "gradients/mul_grad/tuple/control_dependency_1:0",
                    "gradients_1/Exp_grad/mul:0",
                    "gradients_2/Reshape_grad/Reshape:0"]
    text = tf.function(lambda x, w: f([], x, w)).lower(X2, np.array([3.0, 4.0], np.float32)).as_text("autodiff")
    assert "group_deps" in text and "control_dependency" in text
    ops = autodiff_ops(lambda x, w: f([], x, w), X2, np.array([3.0, 4.0], np.float32))
    groups = [(n, ins) for kind, n, ins in ops if kind == "no_op"]
    assert [n for n, _ in groups] == ["gradients/mul_grad/tuple/group_deps",
                                      "gradients_2/MatMul_grad/tuple/group_deps"]
    assert groups[0][1] == ["gradients/mul_grad/Mul", "gradients/mul_grad/Mul_1"]
    # MatMul wrt one operand is still wrapped (its rule returns both gradients).
    assert "gradients_2/MatMul_grad/tuple/control_dependency_1" in [n for _, n, _ in ops]
    assert not any("Exp_grad/tuple" in n for _, n, _ in ops)


def test_gate_gradients_values_unchanged() -> None:
    @tf.function
    def f(x: Any) -> Any:
        y = tf.reduce_sum(tf.sin(x) * x + x / (x * x + 1.0))
        return tf.gradients(y, x, gate_gradients=True), tf.gradients(y, x)

    gated, plain = f(X64)
    np.testing.assert_array_equal(gated[0], plain[0])


# -- §9 names -----------------------------------------------------------------------------------


def test_scope_names_are_unique_case_insensitively() -> None:
    def f(seen: list[Any], x: Any) -> Any:
        y = x * x
        for name in ["gradients", "Gradients", None, "GRADIENTS", "mygrad", "MyGrad"]:
            seen.append(tf.gradients(y, x, name=name)[0].name)
        return y

    _, seen = traced_names(f, X2)
    assert seen == ["gradients/AddN:0", "Gradients_1/AddN:0", "gradients_2/AddN:0", "GRADIENTS_3/AddN:0",
                    "mygrad/AddN:0", "MyGrad_1/AddN:0"]


def test_empty_name_roots_ops_and_slash_reenters() -> None:
    def f(seen: list[Any], x: Any, w: Any) -> Any:
        seen.extend(names_of(tf.gradients(x * x, x, name="")))
        seen.extend(names_of(tf.gradients(x * w, [x, w], name="")))
        seen.extend(names_of(tf.gradients(x * w, [x], name="a/b")))
        seen.extend(names_of(tf.gradients(x * w, [x], name="a/b/")))
        return x

    _, seen = traced_names(f, X2, X2)
    assert seen == ["AddN:0", "mul_1_grad/Mul:0", "mul_1_grad/Mul_1:0", "a/b/mul_2_grad/Mul:0",
                    "a/b/mul_3_grad/Mul:0"]


def test_gradient_op_names_of_seeds() -> None:
    def f(seen: list[Any], x: Any) -> Any:
        g = tf.gradients([x * 2.0, tf.exp(x)], x, grad_ys=[None, np.array([1.0, 1.0], np.float32)])
        seen.append(g[0].name)
        return g

    ops = autodiff_ops(lambda x: f([], x), X2)
    names = [n for _, n, _ in ops]
    assert "gradients/grad_ys_0" in names and "gradients/grad_ys_1" in names
    kinds = {n: k for k, n, _ in ops}
    assert kinds["gradients/grad_ys_0"] == "fill" and kinds["gradients/grad_ys_1"] == "identity"


# -- §10/§1 xs and ys edge cases ----------------------------------------------------------------


def test_argument_edge_cases() -> None:
    @tf.function
    def f(x: Any) -> Any:
        y = x * x
        return (tf.gradients(y, []), tf.gradients([], [x, x]), tf.gradients(y, [x, 3.0]),
                tf.gradients((y,), (x,)), tf.gradients([y, x, x * 3.0], x))

    empty, nones, number, tup, multi = f(X2)
    assert empty == [] and nones == [None, None]
    assert number[1] is None and isinstance(number, list) and isinstance(tup, list)
    np.testing.assert_array_equal(multi[0], 2 * X2 + 1 + 3)


def test_scalar_grad_ys_broadcast_accident() -> None:
    @tf.function
    def f(x: Any) -> Any:
        return tf.gradients(x * x, x, grad_ys=2.0), tf.gradients(tf.exp(x), x, grad_ys=2.0)

    a, b = f(X2)
    np.testing.assert_array_equal(a[0], 4 * X2)
    np.testing.assert_allclose(b[0], 2 * np.exp(X2), rtol=1e-6)


def test_scalar_grad_ys_for_broadcasting_add_raises_value_error() -> None:
    e = raised(lambda x: tf.gradients(x + 1.0, x, grad_ys=2.0), X2)
    assert isinstance(e, ValueError)


def test_scalar_grad_ys_for_broadcasting_add_message() -> None:
    e = raised(lambda x: tf.gradients(x + 1.0, x, grad_ys=2.0), X2)
    assert original_message(e).startswith("Invalid reduction dimension 0 for input with 0 dimensions")


# -- §11 hessians -------------------------------------------------------------------------------


def _np_hessian(fn: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    n = x.size
    flat = x.reshape(-1).astype(np.float64)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            def at(di: float, dj: float) -> float:
                z = flat.copy()
                z[i] += di
                z[j] += dj
                return fn(z.reshape(x.shape))

            out[i, j] = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
    return out.reshape(x.shape + x.shape)


def test_hessians_shapes_and_values_vs_numpy() -> None:
    @tf.function
    def f(v: Any, m: Any, s: Any) -> Any:
        yv = tf.reduce_sum(v * v * v) + v[0] * v[1] * v[2] + tf.reduce_sum(tf.sin(v))
        ym = tf.reduce_sum(tf.matmul(m, m)) + tf.reduce_sum(tf.exp(m) * m)
        ys = s * s * s + tf.cos(s)
        return tf.hessians(yv, v), tf.hessians(ym, m), tf.hessians(ys, s), tf.hessians(v * v * v, v)

    v = np.array([0.5, -1.0, 2.0])
    m = np.array([[0.3, -0.2], [0.7, 1.1]])
    s = np.array(0.8)
    hv, hm, hs, hsum = f(v, m, s)
    assert hv[0].shape == (3, 3) and hm[0].shape == (2, 2, 2, 2) and hs[0].shape == ()
    ref_v = _np_hessian(lambda z: float(np.sum(z ** 3) + z[0] * z[1] * z[2] + np.sum(np.sin(z))), v)
    ref_m = _np_hessian(lambda z: float(np.sum(z @ z) + np.sum(np.exp(z) * z)), m)
    np.testing.assert_allclose(hv[0], ref_v, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(hm[0], ref_m, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(hs[0], 6 * s - np.cos(s), rtol=1e-12)
    np.testing.assert_allclose(hsum[0], np.diag(6 * v), rtol=1e-12)  # non-scalar ys are summed


def test_hessians_one_block_per_x_and_names() -> None:
    def f(seen: list[Any], x: Any, w: Any) -> Any:
        y = tf.reduce_sum(x * x * w * w)
        h = tf.hessians(y, [x, w], name="ignored")
        g = tf.gradients(y, x)
        seen.extend(names_of(h + g))
        return h

    x = np.array([1.0, 2.0])
    w = np.array([3.0, -1.0, 0.5])[:2]
    h, seen = traced_names(f, x, w)
    np.testing.assert_allclose(h[0], np.diag(2 * w * w))
    np.testing.assert_allclose(h[1], np.diag(2 * x * x))
    assert seen == ["Reshape_1:0", "Reshape_3:0", "gradients_1/AddN:0"]


def test_hessians_errors() -> None:
    e = raised(lambda x: tf.hessians(x * 2.0, x), X2)
    assert type(e) is ValueError and original_message(e) == "None values not supported."
    e = raised(lambda x, y: tf.hessians(tf.reduce_sum(x * y), [x, y]), X2, X2)
    assert type(e) is ValueError and original_message(e) == "None values not supported."
    e = raised(lambda x, y: tf.hessians(tf.reduce_sum(x * x), [x, y]), X2, X2)
    assert type(e) is ValueError
    assert original_message(e) == "Tried to convert 'tensor' to a tensor and failed. Error: None values not supported."


# -- §14 errors (types and messages) ------------------------------------------------------------


def test_eager_call_raises_runtime_error() -> None:
    with pytest.raises(RuntimeError) as e:
        tf.gradients(tf.constant(1.0), tf.constant(1.0))
    assert str(e.value).startswith("tf.gradients is not supported when eager execution is enabled. "
                                   "Use tf.GradientTape instead")


ERRORS: list[tuple[str, Callable[..., Any], type, str]] = [
    ("length", lambda x: tf.gradients(x * x, x, grad_ys=[X2, X2]), ValueError,
     "Length mismatch. Passed 2 grad_ys for 1 ys"),
    ("bool grad_ys", lambda x: tf.gradients(x * x, x, grad_ys=np.array([True, False])), TypeError,
     'Gradient type bool generated for real or integer-valued tensor Tensor("mul:0", shape=(2,), '
     "dtype=float32) with type float32 must be real or integer"),
    ("f64 grad_ys", lambda x: tf.gradients(x * x, x, grad_ys=np.array([1.0, 2.0])), TypeError,
     "Input 'y' of 'Mul' Op has type float32 that does not match type float64 of argument 'x'."),
    ("mixed AddN", lambda x: tf.gradients([x * 2.0, x], x, grad_ys=[None, np.array([1.0, 1.0])]), TypeError,
     "Tensors in list passed to 'inputs' of 'AddN' Op have types [float64, float32] that don't all match."),
    ("grad_ys shape", lambda x: tf.gradients(x * x, x, grad_ys=np.ones(3, np.float32)), ValueError,
     "Dimensions must be equal, but are 3 and 2 for '{{node gradients/mul_grad/Mul}} = Mul[...]'"),
    ("grad shape", lambda x: tf.gradients(tf.exp(x), x, grad_ys=np.ones((2, 2), np.float32)), ValueError,
     "Incompatible shapes between op input and calculated input gradient. Forward operation: Exp. "
     "Input index: 0. Original input shape: (2,). Calculated input gradient shape: (2, 2)"),
    ("None ys", lambda x: tf.gradients(None, x), AttributeError, "'NoneType' object has no attribute 'op'"),
    ("None xs", lambda x: tf.gradients(x * x, [x, None]), AttributeError,
     "'NoneType' object has no attribute 'op'"),
    ("float stop", lambda x: tf.gradients(x * x, x, stop_gradients=1.0), AttributeError,
     "'float' object has no attribute 'op'"),
    ("None stop", lambda x: tf.gradients(x * x, x, stop_gradients=[None]), AttributeError,
     "'NoneType' object has no attribute 'op'"),
]


@pytest.mark.parametrize("what,fn,etype,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_types_and_messages(what: str, fn: Callable[..., Any], etype: type, message: str) -> None:
    e = raised(fn, X2)
    assert isinstance(e, etype), f"{what}: {type(e).__name__}: {e}"
    assert original_message(e).startswith(message), f"{what}: {original_message(e)!r}"


def test_checks_happen_in_tf_order() -> None:
    # unconnected_gradients is checked before the grad_ys length and dtype (§1).
    e = raised(lambda x: tf.gradients(x * x, x, grad_ys=[X2, X2], unconnected_gradients="foo"), X2)
    assert original_message(e) == "Unknown value for unconnected_gradients: 'foo'"
    # the grad_ys length before their dtype kind.
    e = raised(lambda x: tf.gradients(x * x, x, grad_ys=[np.array([True, False])] * 2), X2)
    assert original_message(e) == "Length mismatch. Passed 2 grad_ys for 1 ys"
