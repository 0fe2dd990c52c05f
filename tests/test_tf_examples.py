"""TF programs from outside the corpus (examples/tf/) run unchanged under gradc and match the
outputs recorded from real TensorFlow 2.21 (examples/tf/expected/, made by record_tf.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import gradc

HERE = Path(__file__).resolve().parents[1] / "examples" / "tf"
NAMES = sorted(p.stem for p in (HERE / "expected").glob("*.npz"))


@pytest.mark.parametrize("name", NAMES)
def test_example_matches_tensorflow(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tensorflow", gradc)
    spec = importlib.util.spec_from_file_location(f"gradc_tf_example_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    got = mod.main()
    want = np.load(HERE / "expected" / f"{name}.npz")
    assert sorted(got) == sorted(want.files)
    for key in want.files:
        g, w = np.asarray(got[key]), want[key]
        assert g.shape == w.shape and g.dtype == w.dtype, key
        tol = 1e-10 if w.dtype == np.float64 else 2e-5
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol, err_msg=f"{name}:{key}")


def test_examples_exist() -> None:
    assert len(NAMES) >= 4
