"""Passes: golden text tests, the pass manager and pipelines, and results preserved by every pass.

Golden cases are `tests/golden/passes/<pass>/<case>.gir` (input IR; an optional first line
`// RUN: -p <pipeline>` overrides the pipeline named by the folder) and `<case>.expected`
(the output). Regenerate the expected files with `GRADC_UPDATE_GOLDEN=1 pytest tests/test_passes.py`.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from gradc.compiler.errors import InternalError, ShapeError, VerifyError
from gradc.compiler.ir.builder import Builder
from gradc.compiler.ir.core import Function, Value
from gradc.compiler.ir.parser import parse_function, parse_module
from gradc.compiler.ir.printer import print_function
from gradc.compiler.ir.types import DType, TensorType
from gradc.compiler.passes import (
    DEFAULT_PIPELINE,
    PASSES,
    Pass,
    PassManager,
    default_pipeline,
    opt_text,
    parse_pipeline,
)
from gradc.compiler.passes.fold_constants import FoldConstants
from gradc.runtime.interpreter import interpret

GOLDEN = Path(__file__).parent / "golden" / "passes"
CASES = sorted(GOLDEN.glob("*/*.gir"))
F32, F64, I32 = DType.float32, DType.float64, DType.int32


def pipeline_of(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    return first.split("-p", 1)[1].strip() if first.startswith("// RUN:") else path.parent.name


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden(path: Path) -> None:
    got = opt_text(path.read_text(), pipeline_of(path))
    expected = path.with_suffix(".expected")
    if os.environ.get("GRADC_UPDATE_GOLDEN"):
        expected.write_text(got)
    assert got == expected.read_text()


def test_every_pass_has_golden_cases() -> None:
    assert set(PASSES) <= {p.parent.name for p in CASES}


# -- results are preserved ----------------------------------------------------------------------


def random_input(t: TensorType, rng: np.random.Generator) -> np.ndarray:
    if t.dtype.is_bool:
        return rng.random(t.shape) < 0.5
    if t.dtype.is_int:
        return rng.integers(-5, 6, t.shape).astype(t.dtype.np)
    return rng.standard_normal(t.shape).astype(t.dtype.np)


def assert_same_results(before: Function, after: Function, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    args = [random_input(v.type, rng) for v in before.args]
    for x, y in zip(interpret(before, args), interpret(after, args), strict=True):
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(x, y)


def program_gradient_like() -> Function:
    fn = Function("grad_like")
    b = Builder(fn)
    x = b.add_arg("x", TensorType((2, 3), F32))
    w = b.add_arg("w", TensorType((3,), F32))
    sg = b.emit("stop_gradient", w)
    y = b.emit("sum", b.emit("mul", x, sg), axes=None)
    with b.name_scope("gradients"):
        seed = b.emit("fill", b.constant(1.0), dims=())
        ones = b.emit("mul", b.emit("reshape", seed, shape=(1, 1)), b.constant(np.ones((2, 3), np.float32)))
        g = b.emit("identity", ones)
        gx = b.emit("mul", g, sg)
        gw = b.emit("sum", b.emit("mul", g, x), axes=0)
        gw2 = b.emit("sum", b.emit("mul", g, x), axes=0)
        total = b.emit("add_n", gw, gw2)
    fn.outputs = [y, gx, total, b.emit("neg", b.emit("neg", total))]
    return fn


def program_constants() -> Function:
    fn = Function("consts")
    b = Builder(fn)
    x = b.add_arg("x", TensorType((4,), F64))
    c = b.constant(np.array([0.0, -0.0, 2.0, np.inf]))
    d = b.emit("div", b.constant(1.0, F64), c)
    m = b.emit("maximum", d, b.emit("cast", b.constant(np.array([1, 2, 3, 4])), dtype=F64))
    z = b.emit("mul", b.constant(0.0, F64), x)
    fn.outputs = [b.emit("add", x, m), z, b.emit("sub", x, b.emit("sub", c, c))]
    return fn


def program_ints_and_bools() -> Function:
    fn = Function("ints")
    b = Builder(fn)
    x = b.add_arg("x", TensorType((3,), I32))
    p = b.add_arg("p", TensorType((3,), DType.bool))
    one = b.constant(1)
    y = b.emit("mul", b.emit("add", x, b.constant(0)), one)
    sel = b.emit("select", p, y, b.emit("neg", y))
    cmp = b.emit("logical_and", b.emit("greater", sel, b.constant(0)), p)
    fn.outputs = [sel, cmp, b.emit("cast", b.emit("cast", x, dtype=I32), dtype=F32)]
    return fn


def program_random(seed: int) -> Function:
    """A random straight-line function over two float32 tensors, full of pass opportunities."""
    r = random.Random(seed)
    fn = Function(f"rand{seed}")
    b = Builder(fn)
    vals: list[Value] = [b.add_arg("a", TensorType((2, 3), F32)), b.add_arg("b", TensorType((3,), F32))]
    for _ in range(r.randint(5, 25)):
        kind = r.choice(["const", "bin", "bin", "un", "un", "sum", "reshape", "addn"])
        x, y = r.choice(vals), r.choice(vals)
        if kind == "const":
            v = b.constant(r.choice([np.float32(r.choice([0.0, 1.0, -0.0, 2.5])),
                                     np.full((3,), r.choice([0.0, 1.0]), np.float32),
                                     np.ones((2, 3), np.float32)]))
        elif kind == "bin":
            try:
                v = b.emit(r.choice(["add", "sub", "mul", "div", "maximum"]), x, y)
            except ShapeError:  # shapes that do not broadcast: draw again
                continue
        elif kind == "un":
            v = b.emit(r.choice(["neg", "identity", "stop_gradient", "exp", "tanh", "square"]), x)
        elif kind == "sum":
            axes = r.choice([None, -1]) if x.type.rank else None
            v = b.emit("sum", x, axes=axes, keepdims=r.random() < 0.5)
        elif kind == "reshape":
            v = b.emit("reshape", x, shape=r.choice([x.type.shape, (-1,)]))
        else:
            v = b.emit("add_n", *[x] * r.randint(1, 3))
        vals.append(v)
    fn.outputs = r.sample(vals, k=min(3, len(vals))) + [vals[-1]]
    return fn


def programs() -> list[Function]:
    fns = [program_gradient_like(), program_constants(), program_ints_and_bools()]
    fns += [program_random(s) for s in range(40)]
    for path in CASES:
        fns += parse_module(path.read_text())
    return fns


PIPELINES = sorted(PASSES) + [DEFAULT_PIPELINE, "cse,fold-constants,simplify,dce,cse,dce"]


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_passes_preserve_results(pipeline: str) -> None:
    for fn in programs():
        before = parse_function(print_function(fn))  # an independent copy to compare against
        PassManager(parse_pipeline(pipeline)).run(fn)
        assert [v.arg_name for v in fn.args] == [v.arg_name for v in before.args]
        assert_same_results(before, fn)
        assert print_function(parse_function(print_function(fn))) == print_function(fn)


def test_default_pipeline_shrinks_gradient_like() -> None:
    fn = program_gradient_like()
    n = len(fn.ops)
    assert PassManager(default_pipeline()).run(fn)
    kinds = [op.opdef for op in fn.ops]
    assert len(kinds) < n and "stop_gradient" not in kinds and "identity" not in kinds
    assert kinds.count("sum") == 2  # the two identical gradient sums merged into one
    # Folding exposes g*x with g all ones only after simplify ran: a second round finds it.
    assert PassManager(default_pipeline()).run(fn)
    assert not PassManager(default_pipeline()).run(fn)


def test_fold_keeps_names_and_can_name_more_ops() -> None:
    fn = program_constants()
    FoldConstants().run(fn)
    assert "RealDiv" in [op.name for op in fn.ops if op.opdef == "constant"]
    assert Builder(fn).emit("neg", fn.args[0], name="RealDiv").op.name == "RealDiv_1"


# -- the pass manager and pipelines -------------------------------------------------------------


def test_default_pipeline_order() -> None:
    assert [p.name for p in default_pipeline()] == [
        "remove-stop-gradient", "simplify", "fold-constants", "cse", "dce"]


def test_pipeline_options_and_errors() -> None:
    (p,) = parse_pipeline(" fold-constants{max_elements=10} ")
    assert isinstance(p, FoldConstants) and p.max_elements == 10
    assert [q.name for q in parse_pipeline("dce,dce")] == ["dce", "dce"]
    with pytest.raises(ValueError, match="unknown pass 'fuse' .*known passes: cse, dce, fold-constants, "
                                         "remove-stop-gradient, simplify"):
        parse_pipeline("dce,fuse")
    with pytest.raises(ValueError, match=r"bad option 'max=3' \(options: max_elements\)"):
        parse_pipeline("fold-constants{max=3}")
    with pytest.raises(ValueError, match="expected ','"):
        parse_pipeline("dce cse")
    with pytest.raises(ValueError, match="expected a pass name"):
        parse_pipeline("dce,,cse")


def test_manager_dumps_times_and_verifies() -> None:
    dumps: list[tuple[str, int]] = []
    pm = PassManager(parse_pipeline("remove-stop-gradient,dce"),
                     dump=lambda stage, f: dumps.append((stage, len(f.ops))))
    fn = program_gradient_like()
    assert pm.run(fn)
    assert [s for s, _ in dumps] == ["remove-stop-gradient", "dce"]
    assert [name for name, _ in pm.timings] == ["remove-stop-gradient", "dce"]
    assert all(t >= 0 for _, t in pm.timings)


class _Breaks(Pass):
    name = "breaks"

    def run(self, fn: Function) -> bool:
        fn.ops.reverse()
        return True


class _Forgets(Pass):
    name = "forgets"

    def run(self, fn: Function) -> bool:  # type: ignore[return]
        pass


def test_manager_blames_the_pass() -> None:
    dumped: list[str] = []
    with pytest.raises(VerifyError, match="after pass 'breaks': @grad_like: op .* is not defined before"):
        PassManager([_Breaks()], dump=lambda s, f: dumped.append(s)).run(program_gradient_like())
    assert dumped == ["breaks"]  # the broken IR was dumped before verification failed
    PassManager([_Breaks()], verify=False).run(program_gradient_like())
    with pytest.raises(InternalError, match="pass 'forgets' returned None, not a bool"):
        PassManager([_Forgets()]).run(program_gradient_like())
    fn = program_gradient_like()
    fn.outputs.append(Value(TensorType((), F32), None, 0, "ghost"))
    with pytest.raises(VerifyError, match="invalid input to the pass pipeline"):
        PassManager([]).run(fn)


def test_opt_text_runs_each_function() -> None:
    text = print_function(program_gradient_like()) + "\n" + print_function(program_constants())
    out = opt_text(text, "dce")
    assert [f.name for f in parse_module(out)] == ["grad_like", "consts"]


# -- every program of the TF corpora: passes preserve results, the text round-trips --------------

CORPORA = [Path(__file__).parent / "tf_corpus" / "cases", Path(__file__).parent / "conformance" / "cases" / "public"]


def test_corpus_programs_survive_passes(corpus_lib: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every function the corpora stage: round-trips as text, and the pipeline keeps its results."""
    import gradc  # the corpora import `tensorflow`: gradc stands in

    checked: list[str] = []
    original = PassManager.run

    def checking_run(self: PassManager, fn: Function) -> bool:
        text = print_function(fn)
        before = parse_function(text)
        assert print_function(before) == text
        changed = original(self, fn)
        try:
            assert_same_results(before, fn)
        except (IndexError, ValueError, TypeError, OverflowError):  # random ints as bad indices...
            return changed  # (a mismatch raises AssertionError, which propagates)
        checked.append(fn.name)
        return changed

    monkeypatch.setattr(PassManager, "run", checking_run)
    monkeypatch.setitem(sys.modules, "tensorflow", gradc)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    for corpus in CORPORA:
        for path in sorted(corpus.glob("[0-9]*.py")):
            res = corpus_lib.run_case(corpus.name, path.stem, str(path))
            err = res["error"] or {}
            assert "AssertionError" not in err.get("mro", []), f"{path.name}: {err.get('message')}"
    assert len(checked) >= 100
