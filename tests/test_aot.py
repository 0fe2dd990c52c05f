"""AOT compilation: a C program linked with an object from `gradc compile`, and `gradc.load` of a .so.

The C program is examples/aot/main.c (a loss and its gradients through the plain C ABI); its
printed values must equal the JIT's. The shared-library tests call the same ABI from ctypes,
including every status code the wrapper returns instead of crashing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import gradc
from gradc.cli import main
from gradc.runtime.aot import compile_aot
from gradc.runtime.aot_load import CTensor

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "aot"
CC = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler")


def _example() -> Any:
    spec = importlib.util.spec_from_file_location("gradc_aot_example", EXAMPLE / "model.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/aot compiled: model.o, model.h, model.so and the linked C program `main`."""
    out = tmp_path_factory.mktemp("aot")
    assert main(["compile", str(EXAMPLE / "model.py"), "--emit", "obj,header", "--emit", "so", "-o",
                 str(out / "model")]) == 0
    exe = out / "main"
    cmd = [CC, "-std=c11", "-Wall", "-Wextra", "-Werror", f"-I{out}", str(EXAMPLE / "main.c"), str(out / "model.o"),
           "-lm", "-o", str(exe)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return out


def _run_c(built: Path) -> dict[str, np.ndarray]:
    r = subprocess.run([str(built / "main")], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return {line.split()[0]: np.array([float(v) for v in line.split()[1:]]) for line in r.stdout.splitlines()}


def test_c_program_matches_jit(built: Path) -> None:
    ex = _example()
    loss, (gx, gw) = ex.loss_grad(*ex.example_inputs())
    got = _run_c(built)
    np.testing.assert_allclose(got["loss"], [loss], rtol=1e-6)
    np.testing.assert_allclose(got["grad_x"], gx.ravel(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got["grad_w"], gw.ravel(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got["loss_again"], [loss], rtol=1e-6)  # caller-workspace entry


def test_c_shape_error_returns_status(built: Path) -> None:
    got = _run_c(built)
    assert got["bad_shape_status"].tolist() == [2]  # GRADC_BAD_SHAPE, and no crash
    assert got["workspace_status"].tolist() == [0]


def test_object_needs_only_libc_and_libm(built: Path) -> None:
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("no nm")
    out = subprocess.run([nm, "-u", str(built / "model.o")], capture_output=True, text=True, check=True).stdout
    undefined = {line.split()[-1] for line in out.splitlines() if line.strip()}
    assert not any(s.startswith("gradc") for s in undefined)  # the private math aliases are defined inside
    libs = [ctypes.CDLL(ctypes.util.find_library(n) or f"lib{n}.so.6") for n in ("c", "m")]
    assert all(any(hasattr(lib, s) for lib in libs) for s in undefined), undefined


def test_two_headers_together(built: Path, tmp_path: Path) -> None:
    # A second function's header must coexist with the first (shared ABI part guarded once).
    other = tmp_path / "other.py"
    other.write_text("import gradc as tf\n\n@tf.function\ndef twice(x):\n    return 2 * x\n")
    assert main(["compile", str(other), "--signature", "i64[3]", "--emit", "header", "-o", str(tmp_path / "o.h")]) == 0
    src = tmp_path / "both.c"
    src.write_text('#include "model.h"\n#include "o.h"\nint main(void) { return GRADC_TWICE_NUM_INPUTS - 1; }\n')
    subprocess.run([CC, "-fsyntax-only", "-Wall", "-Werror", f"-I{built}", f"-I{tmp_path}", str(src)], check=True)


def test_load_matches_jit(built: Path) -> None:
    ex = _example()
    fn = gradc.load(built / "model.so")
    x, w = ex.example_inputs()
    x = x * 1.5 - 0.1
    got, want = fn(x, w), ex.loss_grad(x, w)
    assert isinstance(got, tuple) and isinstance(got[1], list)  # the Python function's nesting
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
    for g, e in zip(got[1], want[1]):
        assert g.shape == e.shape and g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-7)
    assert [t["name"] for t in fn.info["inputs"]] == ["x", "w"]


@pytest.mark.parametrize(("args", "status"), [
    ((np.zeros((4, 3), np.float32),), "GRADC_BAD_COUNT"),
    ((np.zeros((4, 3), np.float64), np.zeros((3, 2), np.float32)), "GRADC_BAD_DTYPE"),
    ((np.zeros((4, 3), np.float32), np.zeros((2, 3), np.float32)), "GRADC_BAD_SHAPE"),
    ((np.zeros(12, np.float32), np.zeros((3, 2), np.float32)), "GRADC_BAD_RANK"),
    ((np.zeros((4, 3), np.uint8), np.zeros((3, 2), np.float32)), "GRADC_BAD_DTYPE"),
])
def test_load_bad_arguments_raise(built: Path, args: tuple[np.ndarray, ...], status: str) -> None:
    fn = gradc.load(built / "model.so")
    with pytest.raises(ValueError, match=status):
        fn(*args)


def test_raw_abi_null_pointers_and_workspace(built: Path) -> None:
    lib = ctypes.CDLL(str(built / "model.so"))
    shapes = [(ctypes.c_int64 * 2)(4, 3), (ctypes.c_int64 * 2)(3, 2)]
    bufs = [np.zeros((4, 3), np.float32), np.zeros((3, 2), np.float32)]
    outs_np = [np.zeros((), np.float32), np.zeros((4, 3), np.float32), np.zeros((3, 2), np.float32)]
    out_shapes = [None, shapes[0], shapes[1]]

    def tensors(arrays: list[np.ndarray], dims: list[Any]) -> Any:
        ts = (CTensor * len(arrays))()
        for t, a, d in zip(ts, arrays, dims):
            t.data, t.rank, t.dtype = a.ctypes.data, a.ndim, 1
            t.shape = ctypes.cast(d, ctypes.POINTER(ctypes.c_int64)) if d is not None else None
        return ts

    ins, outs = tensors(bufs, shapes), tensors(outs_np, out_shapes)
    entry, with_ws = lib.gradc_loss_grad, lib.gradc_loss_grad_with_workspace
    assert entry(ins, 2, outs, 3) == 0
    assert entry(None, 2, outs, 3) == 5  # GRADC_NULL_POINTER
    ins[1].data = None
    assert entry(ins, 2, outs, 3) == 5
    ins = tensors(bufs, shapes)
    ws = np.zeros(4096, np.uint8)
    base = ws.ctypes.data + (-ws.ctypes.data) % 64
    assert with_ws(ins, ctypes.c_int64(2), outs, ctypes.c_int64(3), ctypes.c_void_p(base)) == 0
    assert with_ws(ins, ctypes.c_int64(2), outs, ctypes.c_int64(3), ctypes.c_void_p(base + 8)) == 7  # misaligned
    assert with_ws(ins, ctypes.c_int64(2), outs, ctypes.c_int64(3), None) == 7


def test_dtypes_scalars_and_libm_float64(tmp_path: Path) -> None:
    """int/bool/float64 tensors, a scalar output, no workspace, float64 libm shims, a dict result."""

    @gradc.function
    def mixed(a, n, m):
        y = gradc.sin(a) * gradc.cos(a) + gradc.pow(gradc.abs(a) + 1.0, 1.5) + gradc.math.log1p(gradc.abs(a))
        return {"y": y, "n": n * 3 + 1, "any": gradc.logical_and(m, m), "g": gradc.gradients(gradc.reduce_sum(y), a)}

    args = [np.linspace(-2, 2, 6).reshape(2, 3), np.arange(4, dtype=np.int32), np.array([True, False])]
    mod = compile_aot(mixed, args)
    mod.shared_library(tmp_path / "mixed.so")
    fn = gradc.load(tmp_path / "mixed.so")
    got, want = fn(*args), mixed(*args)
    assert set(got) == set(want)
    for k in want:
        w = want[k][0] if k == "g" else want[k]
        g = got[k][0] if k == "g" else got[k]
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-12)
