"""The IR text form: print/parse round trips, exact attributes, parse errors, the verifier."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradc.compiler.errors import IRParseError, VerifyError
from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import UNKNOWN_LOC, Function, Loc, Op
from gradc.compiler.ir.parser import parse_function, parse_module
from gradc.compiler.ir.printer import format_attr, print_function, print_module
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.ir.verify import verify

F32 = DType.float32
GOLDEN = Path(__file__).parent / "golden" / "passes"


def roundtrip(fn: Function) -> Function:
    text = print_function(fn)
    back = parse_function(text)
    assert print_function(back) == text
    verify(back)
    return back


def sample() -> Function:
    fn = Function("f")
    b = Builder(fn, Loc("ex.py", 3, 1))
    x = b.add_arg("x", TensorType((2,), F32))
    y = b.add_arg("y:0/odd name", TensorType((2, 3), F32))
    c = b.constant(2.0)
    m = b.emit("mul", c, x)
    with b.at(Loc('dir/my "file".py', 7, 12)), b.name_scope("gradients"):
        g = b.emit("mul", m, m)
        s = b.emit("sum", y, axes=-1)
    with b.at(UNKNOWN_LOC):
        k = b.emit("cast", g, dtype=DType.float64)
    fn.outputs = [g, s, x, k, x]
    return fn


def test_sample_text_and_roundtrip() -> None:
    fn = sample()
    text = print_function(fn)
    assert text.startswith('func.func @f(%x: tensor<2xf32>, %y_0.odd_name: tensor<2x3xf32> '
                           '{name = "y:0/odd name"}) {')
    assert ('%gradients.Mul = "gradc.mul"(%Mul, %Mul) {name = "gradients/Mul"} : '
            '(tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32> loc("dir/my \\"file\\".py":7:12)') in text
    assert '{name = "gradients/Sum", axes = [1], keepdims = false}' in text
    assert '{name = "Cast", dtype = f64} : (tensor<2xf32>) -> tensor<2xf64> loc(unknown)' in text
    assert text.endswith('"func.return"(%gradients.Mul, %gradients.Sum, %x, %Cast, %x) : (tensor<2xf32>, '
                         "tensor<2xf32>, tensor<2xf32>, tensor<2xf64>, tensor<2xf32>) -> ()\n}\n")
    back = roundtrip(fn)
    assert [v.arg_name for v in back.args] == ["x", "y:0/odd name"]
    assert [op.name for op in back.ops] == [op.name for op in fn.ops]
    assert [op.loc for op in back.ops] == [op.loc for op in fn.ops]
    assert back.outputs[2] is back.args[0] and back.outputs[4] is back.args[0]


def test_names_in_use_rebuilt() -> None:
    back = roundtrip(sample())
    b = Builder(back)
    x = back.args[0]
    assert b.emit("mul", x, x).op.name == "Mul_1"
    assert b.emit("add", x, x).op.name == "AddV2"
    with b.name_scope("gradients") as scope:
        assert scope == "gradients_1"
    assert b.emit("neg", x, name="y:0").op.name == "y:0_1"  # arguments' names are taken too


def test_unnamed_ops_get_tf_names_after_named_ones() -> None:
    text = """
    // a hand-written function: names are optional
    func.func @g(%a: tensor<f32>) {
      %0 = "gradc.neg"(%a) : (tensor<f32>) -> tensor<f32>
      %1 = "gradc.neg"(%0) {name = "Neg"} : (tensor<f32>) -> tensor<f32>
      "func.return"(%1) : (tensor<f32>) -> ()
    }"""
    fn = parse_function(text)
    assert [op.name for op in fn.ops] == ["Neg_1", "Neg"]
    assert fn.ops[0].loc == UNKNOWN_LOC
    roundtrip(fn)


def constant_fn(value: np.ndarray) -> Function:
    fn = Function("c")
    b = Builder(fn)
    fn.outputs = [b.emit("constant", value=value)]
    return fn


ARRAYS = [
    np.array(1.5, np.float32),
    np.array([0.1, 1 / 3, 1e-45, 3.4028235e38, -0.0, np.nan, np.inf, -np.inf], np.float32),
    np.array([[0.1, 1 / 3], [5e-324, 1.7976931348623157e308]], np.float64),
    np.array([[1, -2, 2**31 - 1], [-(2**31), 0, 7]], np.int32),
    np.array([2**63 - 1, -(2**63)], np.int64),
    np.array([[True, False]]),
    np.zeros((3, 0, 2), np.float32),
    np.full((4, 5), -0.0, np.float64),
    np.full((2, 2), np.nan, np.float32),
    np.arange(200, dtype=np.float32).reshape(10, 20) / 7,
    np.arange(100, dtype=np.int64) - 50,
    np.random.default_rng(0).random(70) < 0.5,
]


@pytest.mark.parametrize("value", ARRAYS, ids=lambda a: f"{a.dtype}{list(a.shape)}")
def test_dense_exact(value: np.ndarray) -> None:
    back = roundtrip(constant_fn(value))
    got = back.ops[0].attrs["value"]
    assert got.dtype == value.dtype and got.shape == value.shape
    if value.dtype.kind == "f":  # bits equal except nan payloads
        bits = f"u{value.dtype.itemsize}"
        same = got.view(bits) == value.view(bits)
        assert np.all(same | (np.isnan(got) & np.isnan(value)))
    else:
        assert np.array_equal(got, value)


@settings(max_examples=200, deadline=None)
@given(st.floats(width=32), st.floats())
def test_float_scalars_exact(x32: float, x64: float) -> None:
    for v in (np.array([x32, 0.0], np.float32), np.array([x64, 1.0], np.float64)):
        got = roundtrip(constant_fn(v)).ops[0].attrs["value"]
        assert got.tobytes() == v.tobytes() or (math.isnan(got[0]) and math.isnan(v[0]))


ATTRS = [3, -7, 0.1, 1e300, -0.0, float("inf"), True, False, None, "a/b:0 \"q\" \\ é\n",
         (), (1, -2), (0.5, (True, None), "s"), DType.int64, DType.bool]


@pytest.mark.parametrize("value", ATTRS, ids=repr)
def test_attr_values_roundtrip(value: object) -> None:
    # Any attribute value survives, even on an op kind that ignores it.
    fn = Function("a")
    b = Builder(fn)
    x = b.add_arg("x", TensorType((), F32))
    op = b.create("neg", [x], {"extra": value, "loc": 1})
    fn.outputs = op.results
    got = roundtrip(fn).ops[0].attrs
    assert type(got["extra"]) is type(value) and format_attr(got["extra"]) == format_attr(value)
    assert got["loc"] == 1  # a key spelled like a keyword is quoted


def test_attr_types_stay_distinct() -> None:
    assert [format_attr(v) for v in (1, 1.0, True, 1e16, 2.5e-8)] == ["1", "1.0", "true", "1e+16", "2.5e-08"]


def test_module_of_several_functions() -> None:
    fns = [sample(), constant_fn(np.ones(3, np.float32))]
    text = print_module(fns)
    assert print_module(parse_module(text)) == text
    assert [f.name for f in parse_module(text)] == ["f", "c"]


def test_multi_result_syntax() -> None:
    # No registered op has two results yet: build the Op by hand to check the printer alone.
    fn = Function("m")
    x = Builder(fn).add_arg("x", TensorType((2,), F32))
    op = Op("add_n", [x], [x.type, x.type], {}, "pair", UNKNOWN_LOC)
    fn.ops.append(op)
    fn.outputs = [op.results[1], op.results[0]]
    text = print_function(fn)
    assert '%pair:2 = "gradc.add_n"(%x)' in text and '"func.return"(%pair#1, %pair#0)' in text
    with pytest.raises(IRParseError, match="infers result types"):
        parse_function(text)


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*/*.gir")) + sorted(GOLDEN.glob("*/*.expected")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_files_roundtrip(path: Path) -> None:
    for fn in parse_module(path.read_text()):
        roundtrip(fn)


T2 = "tensor<2xf32>"
RET2 = f'"func.return"(%y) : ({T2}) -> ()'


def func(*body: str, args: str = f"%x: {T2}") -> str:
    """A function text whose op lines start at line 2, column 3."""
    return f"func.func @f({args}) {{\n" + "".join(f"  {line}\n" for line in body) + "}"


BAD = [
    (func(f'%y = "gradc.neg"(%z) : ({T2}) -> {T2}', RET2), "2:20: use of undefined value %z"),
    (func(f'%y = "gradc.neg"(%x) : ({T2}) -> tensor<3xf32>', RET2),
     "2:8: gradc.neg infers result types (tensor<2xf32>)"),
    (func('%y = "gradc.neg"(%x) : (tensor<3xf32>) -> tensor<3xf32>', RET2),
     "2:20: %x has type tensor<2xf32>"),
    (func(f'%y = "gradc.nope"(%x) : ({T2}) -> {T2}', RET2), "2:8: unknown op 'gradc.nope'"),
    (func(f'%y = "gradc.add"(%x, %x) : ({T2}) -> {T2}', RET2), "2:30: 2 operands but 1 operand types"),
    (func(f'%y = "gradc.add"(%x, %x) : ({T2}, tensor<2xi32>) -> {T2}', RET2), "2:24: %x has type"),
    (func(f'%x = "gradc.neg"(%x) : ({T2}) -> {T2}', RET2), "2:3: redefinition of %x"),
    (func(f'%y = "gradc.neg"(%x) : ({T2}) -> {T2}'), "1:1: func.func @f must end with"),
    (func(f'%y = "gradc.neg"(%x) : ({T2}) -> tensor<2xf32'), "2:45: invalid IR"),
    (func('%y = "gradc.constant"() {value = dense<[1, 2]> : tensor<3xi32>} : () -> tensor<3xi32>', RET2,
          args=""),
     "2:28: attribute 'value': dense literal has shape [2]"),
    (func('%y = "gradc.constant"() {value = dense<3> : tensor<i32>, value = unit} : () -> tensor<i32>',
          RET2, args=""), "2:60: duplicate attribute 'value'"),
    (func('%y = "gradc.constant"() {value = dense<1.5> : tensor<2xi32>} : () -> tensor<2xi32>', RET2,
          args=""),
     "must be an integer"),
    (func('%a = "gradc.neg"(%x) {name = "A"} : (tensor<f32>) -> tensor<f32>',
          '%b = "gradc.neg"(%a) {name = "a"} : (tensor<f32>) -> tensor<f32>', '"func.return"() : () -> ()',
          args="%x: tensor<f32>"),
     "3:3: op name 'a' is already used"),
    (func(f'%y = "gradc.neg"(%x) {{name = 3}} : ({T2}) -> {T2}', RET2),
     "the 'name' attribute must be a string"),
    (func(f'"gradc.neg"(%x) : ({T2}) -> {T2}', RET2), "op defines 1 results but names none"),
    (func(f'%y:2 = "gradc.neg"(%x) : ({T2}) -> {T2}', RET2), "2:3: op has 1 results: write %y"),
    (func(f'%y = "func.neg"(%x) : ({T2}) -> {T2}', RET2), "unknown op 'func.neg'"),
    (func(f'%y = "gradc.neg"(%x) : ({T2}) -> {T2}', f'"func.return"(%y) : ({T2}) -> {T2}'), "has no results"),
]


@pytest.mark.parametrize("text,message", BAD, ids=range(len(BAD)))
def test_parse_errors_have_line_col(text: str, message: str) -> None:
    with pytest.raises(IRParseError) as e:
        parse_module(text)
    assert message in str(e.value)
    assert str(e.value)[0].isdigit()


# -- the verifier -------------------------------------------------------------------------------


def test_verify_accepts_sample() -> None:
    verify(sample())


def test_verify_use_before_definition() -> None:
    fn = sample()
    fn.ops[1], fn.ops[2] = fn.ops[2], fn.ops[1]  # gradients/Mul now precedes Mul
    with pytest.raises(VerifyError, match=r"op 'gradients/Mul' \(gradc.mul\) at dir/my \"file\".py:7:12: "
                                          r"operand 0 \(Mul:0\) is not defined before its use"):
        verify(fn)


def test_verify_dangling_output_and_removed_op() -> None:
    fn = sample()
    fn.ops = [op for op in fn.ops if op.name != "Cast"]
    with pytest.raises(VerifyError, match=r"output 3 \(Cast:0\) is not defined"):
        verify(fn)


def test_verify_types_match_inference() -> None:
    fn = sample()
    fn.ops[1].results[0].type = TensorType((3,), F32)
    with pytest.raises(VerifyError, match=r"op 'Mul' .*result types \(tensor<3xf32>\) differ from the "
                                          r"inferred \(tensor<2xf32>\)"):
        verify(fn)
    fn = sample()
    fn.ops[1].operands = [fn.args[1], fn.args[0]]
    with pytest.raises(VerifyError, match="inference fails: ShapeError"):
        verify(fn)


def test_verify_unique_names() -> None:
    fn = sample()
    fn.ops[2].name = "MUL"
    with pytest.raises(VerifyError, match="reuses the name of op 'Mul'"):
        verify(fn)


def test_verify_does_not_edit_attrs() -> None:
    fn = Function("r")
    b = Builder(fn)
    x = b.add_arg("x", TensorType((2, 3), F32))
    fn.outputs = [b.emit("sum", x, axes=(0, 1))]
    fn.ops[0].attrs["axes"] = (-1, 0)  # not normalised: inference would rewrite it
    verify(fn)
    assert fn.ops[0].attrs["axes"] == (-1, 0)
