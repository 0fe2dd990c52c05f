"""Staging: the interpreter emits the expected IR ops, at the user's lines, and reports errors there."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import gradc as tf
from gradc.compiler.errors import ShapeError
from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function
from gradc.compiler.ir.types import DType, TensorType
from gradc.errors import GradcLoopError, GradcSourceError, GradcSyntaxError
from gradc.staging import StagedFunction, stage_call
from gradc.tensor import Tensor, TensorBoolError
from gradc.tracing import Trace, tracing, wrap

SCALE = 3.0


def stage(pyfunc: Any, *args: Any, shape: tuple[int, ...] = (2,), **kwargs: Any) -> tuple[Function, Any]:
    fn = Function("f")
    b = Builder(fn)
    tr = Trace(fn, b)
    with tracing(tr):
        x = wrap(b.add_arg("x", TensorType(shape, DType.float32)))
        out = stage_call(pyfunc, [x, *args], kwargs)
    return fn, out


def line_of(pyfunc: Any, text: str) -> int:
    lines, first = inspect.getsourcelines(pyfunc)
    return first + next(i for i, ln in enumerate(lines) if text in ln)


def ops(fn: Function, kind: str) -> list[Any]:
    return [op for op in fn.ops if op.opdef == kind]


# -- user functions staged by the tests ----------------------------------------------------------


def loop(x, n=3):
    y = x
    for _ in range(n):
        y = y * 2.0
    k = 0
    while k < 2:
        k += 1
        y -= 1.0
    return y


def helper(a, b=2.0):
    c = a * b
    return c + SCALE


def uses_helper(x):
    return helper(x), helper(x, b=x)


def closures(x):
    offset = 1.0

    def inner(q, *, scale=2.0):
        return q * scale + offset

    first = inner(x)
    offset = 5.0  # late binding, as in Python
    second = inner(x, scale=3.0)
    doubled = list(map(lambda v: v * 2.0, [x, x]))
    return first, second, doubled, inner


def pick(p, t, f):
    return t() if p else f()


def python_values(x, flag=True, *rest, **kw):
    a, *b = (1, 2, 3)
    d = {"k": a, **kw}
    lst = []
    for i, v in enumerate(zip([1, 2], [3, 4], strict=True)):
        if i == 0:
            continue
        lst.append(v)
    else:
        lst.append("done")
    big = max(len(lst), 1) if flag and not rest else 0
    y = pick(flag, lambda: x * 2.0, lambda: x)
    s = f"{a}-{b}" + "!"
    t = x[0] + x[1:][0] + x[...][::-1][0]
    assert a == 1, "unreachable"
    return a, b, d, lst, big, y, s, t, None


def tensor_in_if(x):
    y = x * 2.0
    if y > 1.0:
        y = y * y
    return y


def tensor_in_and(x):
    return x and 1.0


def shape_error(x):
    y = tf.ones([3])
    return helper_mul(x, y)


def helper_mul(a, b):
    return a * b


def forever(x):
    while True:
        x = x
    return x


def raises_python_error(x):
    if x.shape[0] != 3:
        raise ValueError(f"expected 3 elements, got {x.shape[0]}")
    return x


def unbound(x):
    if False:
        z = x
    return z  # noqa: F821


# -- tests ----------------------------------------------------------------------------------------


def test_loops_unroll_with_tf_names_and_user_lines() -> None:
    fn, out = stage(loop)
    muls = ops(fn, "mul")
    assert [op.name for op in muls] == ["mul", "mul_1", "mul_2"]
    assert all(op.loc.line == line_of(loop, "y = y * 2.0") for op in muls)
    assert muls[0].loc.file == __file__ and muls[0].loc.col == 13
    subs = ops(fn, "sub")
    assert [op.name for op in subs] == ["sub", "sub_1"]
    assert subs[0].loc.line == line_of(loop, "y -= 1.0")
    assert isinstance(out, Tensor) and out.value is subs[-1].result
    fn5, _ = stage(loop, 5)
    assert len(ops(fn5, "mul")) == 5


def test_helpers_are_staged_at_their_own_lines() -> None:
    fn, (a, b) = stage(uses_helper)
    muls = ops(fn, "mul")
    assert [op.name for op in muls] == ["mul", "mul_1"]
    assert all(op.loc.line == line_of(helper, "c = a * b") for op in muls)
    assert [op.name for op in ops(fn, "add")] == ["add", "add_1"]  # the global SCALE
    assert muls[1].operands[0] is muls[1].operands[1]  # helper(x, b=x)


def test_closures_nested_defs_and_lambdas() -> None:
    fn, (first, second, doubled, inner) = stage(closures)
    assert isinstance(inner, StagedFunction) and callable(inner)
    assert str(inspect.signature(inner)) == "(q, *, scale=2.0)"
    adds = ops(fn, "add")
    assert len(adds) == 2
    consts = {op.name: float(op.attrs["value"]) for op in fn.ops if op.opdef == "constant"}
    assert consts["add/y"] == 1.0 and consts["add_1/y"] == 5.0  # late-bound `offset`
    assert len(doubled) == 2 and len(ops(fn, "mul")) == 4
    lam = line_of(closures, "lambda v")
    assert [op.loc.line for op in ops(fn, "mul")[2:]] == [lam, lam]


def test_python_values_at_compile_time() -> None:
    fn, out = stage(python_values, shape=(3,), extra=7)
    a, b, d, lst, big, y, s, t, none = out
    assert (a, b, d, lst, big, s, none) == (
        1, [2, 3], {"k": 1, "extra": 7}, [(2, 4), "done"], 2, "1-[2, 3]!", None)
    assert isinstance(y, Tensor) and y.value.op.opdef == "mul"
    assert isinstance(t, Tensor)


def test_tensor_in_if_is_an_error_at_that_line() -> None:
    with pytest.raises(TensorBoolError) as ei:
        stage(tensor_in_if)
    msg = str(ei.value)
    line = line_of(tensor_in_if, "if y > 1.0")
    assert msg.startswith(f'in user code:\n\n    File "{__file__}", line {line}, in tensor_in_if  *\n'
                          "        if y > 1.0:\n"
                          "           ^^^^^^^\n\n"
                          "    TensorBoolError: the condition of `if` must be a Python bool")
    assert "gradc.where" in msg and "gradc.cond" in msg
    assert ei.value.__cause__ is None and ei.value.__suppress_context__


def test_tensor_in_and_suggests_logical_ops() -> None:
    with pytest.raises(TypeError, match="an operand of `and`.*logical_and"):
        stage(tensor_in_and)


def test_op_errors_keep_their_type_and_show_every_user_frame() -> None:
    with pytest.raises(ShapeError) as ei:
        stage(shape_error)
    assert isinstance(ei.value, ValueError)
    msg = str(ei.value)
    outer, inner = line_of(shape_error, "return helper_mul"), line_of(helper_mul, "return a * b")
    assert f'line {outer}, in shape_error  *\n        return helper_mul(x, y)\n' in msg
    assert f'line {inner}, in helper_mul  *\n        return a * b\n               ^^^^^\n' in msg
    assert msg.count("in user code:") == 1
    assert "\n    ShapeError: Dimensions must be equal" in msg and "[2], [3]" in msg


def test_python_raise_and_unbound_local() -> None:
    with pytest.raises(ValueError, match="expected 3 elements, got 2"):
        stage(raises_python_error)
    with pytest.raises(UnboundLocalError, match="'z'"):
        stage(unbound)


def test_while_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    import gradc.staging as staging

    monkeypatch.setattr(staging, "MAX_WHILE_ITERATIONS", 50)
    with pytest.raises(GradcLoopError, match="more than 50 iterations") as ei:
        stage(forever)
    assert f"line {line_of(forever, 'while True')}" in str(ei.value)


def test_fence_errors_surface_from_stage_call() -> None:
    def bad(x):
        with x:
            return x

    with pytest.raises(GradcSyntaxError, match="`with` is not supported"):
        stage(bad)


def test_comprehensions_are_staged_like_python() -> None:
    def comp(x):
        ys = [x * float(i) for i in range(3) if i != 1]
        total = sum(tf.reduce_sum(y) for y in ys)
        table = {i: y for i, y in enumerate(ys)}
        return ys, total, table[1], [a + b for a in (1.0, 2.0) for b in (10.0, 20.0)]

    _, out = stage(comp)
    assert len(out[0]) == 2 and out[3] == [11.0, 21.0, 12.0, 22.0]


def test_exec_helpers_fall_back_to_a_plain_call() -> None:
    ns: dict[str, Any] = {}
    exec("def twice(v):\n    return v * 2.0\n", ns)

    def calls_exec_helper(x):
        return twice(x)  # noqa: F821

    calls_exec_helper.__globals__["twice"] = ns["twice"]
    try:
        fn, out = stage(calls_exec_helper)
    finally:
        del calls_exec_helper.__globals__["twice"]
    assert [op.name for op in ops(fn, "mul")] == ["mul"]
    with pytest.raises(GradcSourceError, match="exec"):  # but the compiled function itself needs source
        stage(ns["twice"])


def _logged(f):
    import functools

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs) + 1.0

    return wrapper


@_logged
def wrapped_helper(a):
    return a * 2.0


def calls_wrapped(x):
    return wrapped_helper(x)


def test_wrapped_helpers_run_the_wrapper_then_the_wrapped_function() -> None:
    fn, _ = stage(calls_wrapped)
    assert [op.opdef for op in fn.ops if op.opdef != "constant"] == ["mul", "add"]
    assert ops(fn, "mul")[0].loc.line == line_of(wrapped_helper, "a * 2.0")
    assert ops(fn, "add")[0].loc.line == line_of(_logged, "+ 1.0")


def test_debug_mode_keeps_the_original_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADC_DEBUG", "1")
    with pytest.raises(TensorBoolError) as ei:
        stage(tensor_in_if)
    assert isinstance(ei.value.__cause__, TensorBoolError)
    assert not str(ei.value.__cause__).startswith("in user code")
