"""The seed programs of the first issue: exact printed names, values, native code, dumps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import gradc
import gradc as tf

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed.py"


def test_seed_add_prints_addn_and_returns_six(capsys: pytest.CaptureFixture[str]) -> None:
    @tf.function
    def gfg():
        a = tf.ones([1, 2])
        b = 5 * a
        g1 = tf.gradients([b + a], [a])
        print("res: ", g1)
        return g1

    out = gfg()
    assert capsys.readouterr().out == (
        "res:  [<gradc.Tensor 'gradients/AddN:0' shape=(1, 2) dtype=float32>]\n"
    )
    assert isinstance(out, list) and len(out) == 1
    np.testing.assert_array_equal(out[0], np.array([[6.0, 6.0]], np.float32))
    assert out[0].dtype == np.float32
    assert repr(out) == "[array([[6., 6.]], dtype=float32)]"
    np.testing.assert_array_equal(out[0].numpy(), [[6.0, 6.0]])


def test_seed_mul_prints_mul_grad_name(capsys: pytest.CaptureFixture[str]) -> None:
    @tf.function
    def gfg():
        a = tf.ones([1, 2])
        b = 5 * a
        g1 = tf.gradients([b], [a])
        print("res: ", g1)
        return g1

    out = gfg()
    assert capsys.readouterr().out == (
        "res:  [<gradc.Tensor 'gradients/mul_grad/Mul_1:0' shape=(1, 2) dtype=float32>]\n"
    )
    np.testing.assert_array_equal(out[0], [[5.0, 5.0]])


def test_second_call_opens_gradients_1_and_print_runs_once(capsys: pytest.CaptureFixture[str]) -> None:
    @tf.function
    def f():
        a = tf.ones([1, 2])
        b = 5 * a
        g1 = tf.gradients([b + a], [a])
        g2 = tf.gradients([b], [a])
        print(g1, g2)
        return g1, g2

    g1, g2 = f()
    f()  # cached: no second trace, so nothing printed again
    out = capsys.readouterr().out
    assert out.count("gradients_1/mul_grad/Mul_1:0") == 1
    np.testing.assert_array_equal(g2[0], [[5.0, 5.0]])


def test_runs_natively_and_caches_per_signature() -> None:
    @tf.function
    def f(x):
        return tf.gradients(tf.reduce_sum(x * x), x)

    a = f(np.array([1.0, 2.0], np.float32))
    b = f(np.array([3.0, 4.0], np.float32))
    c = f(np.array([[1.0]], np.float64))
    assert len(f._cache) == 2
    entry = next(iter(f._cache.values()))
    assert "llvm" in type(entry.run).__module__ or hasattr(entry.run, "llvm_ir")
    np.testing.assert_array_equal(a[0], [2.0, 4.0])
    np.testing.assert_array_equal(b[0], [6.0, 8.0])
    assert c[0].dtype == np.float64


def test_output_structure_is_kept() -> None:
    @tf.function
    def f(x, z):
        g = tf.gradients(x * x, [x, z])
        return g, (g[0],), [g[1]]

    out = f(np.array([1.0, 2.0], np.float32), np.array([3.0], np.float32))
    assert isinstance(out, tuple) and isinstance(out[0], list) and isinstance(out[1], tuple)
    assert out[0][1] is None and out[2] == [None]


def test_gradients_outside_a_function_is_a_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="not supported when eager execution is enabled"):
        gradc.gradients(tf.ones([2]), tf.ones([2]))


def test_wrong_shape_or_dtype_fails_before_native_code() -> None:
    @tf.function(input_signature=[tf.TensorSpec([2], tf.float32)])
    def f(x):
        return tf.gradients(tf.reduce_sum(x * x), x)

    with pytest.raises(ValueError, match=r"expected shape \(2,\) dtype float32"):
        f(np.zeros(3, np.float32))
    # NumPy data of another dtype is cast to the spec's, as TF 2.21 does (test_rejects_valid.py).
    assert f(np.ones(2, np.float64))[0].dtype == np.float32
    with pytest.raises(TypeError, match="takes 1 tensor arguments"):
        f(np.zeros(2, np.float32), np.zeros(2, np.float32))


def test_demo_example_runs() -> None:
    r = subprocess.run([sys.executable, str(SEED)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "res:  [<gradc.Tensor 'gradients/AddN:0' shape=(1, 2) dtype=float32>]" in r.stdout
    assert "[array([[6., 6.]], dtype=float32)]" in r.stdout
    assert "[array([[5., 5.]], dtype=float32)]" in r.stdout


def test_dump_all_shows_every_stage() -> None:
    exe = Path(sys.executable).parent / "gradc"
    r = subprocess.run([str(exe), "dump", str(SEED), "--function", "gfg", "--stage", "all"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    for stage in ("source", "ir", "autodiff", "remove-stop-gradient", "dce", "optimized",
                  "llvm", "llvm-opt", "asm"):
        assert f"// ===== {stage} =====" in r.stdout, stage
    staged = r.stdout.split("// ===== ir =====")[1].split("// =====")[0]
    autodiff = r.stdout.split("// ===== autodiff =====")[1].split("// =====")[0]
    assert "gradients/" not in staged and "gradients/AddN" in autodiff
    assert "define" in r.stdout.split("// ===== llvm =====")[1]


def test_lower_as_text_matches_cli_stages() -> None:
    @tf.function
    def f(x):
        return tf.gradients(tf.reduce_sum(tf.stop_gradient(x) * x), x)

    low = f.lower(np.ones(3, np.float32))
    assert "gradc.stop_gradient" in low.as_text("autodiff")
    assert "gradc.stop_gradient" not in low.as_text("optimized")
    with pytest.raises(ValueError, match="unknown stage"):
        low.as_text("nope")
