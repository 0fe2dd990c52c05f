"""Deep programs stage as deep as plain Python runs them (issue 9 §5).

Staging interprets the user's code, ~8-30 interpreter frames per user call: under Python's own
recursion limit a recursive helper failed at ~120 levels and a chain of ~97 distinct helpers
failed too. gradc now allows the user's code the depth Python would allow it at the call site,
and real infinite recursion is Python's RecursionError at the user's line, with repeated frames
folded as Python's tracebacks fold them.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

import gradc as tf


def _count_down(x, n, acc):
    if n == 0:
        return x * acc  # one op: the depth is all Python
    return _count_down(x, n - 1, acc + 1.0)


def _forever(x):
    return _forever(x + 1.0)


def test_recursive_helper_900_levels() -> None:
    limit = sys.getrecursionlimit()

    @tf.function
    def f(x):
        return _count_down(x, 900, 0.0)

    np.testing.assert_allclose(f(np.float32([1.0, 2.0])), [900.0, 1800.0])
    assert sys.getrecursionlimit() == limit  # raised while staging only


def test_recursive_nested_def_900_levels() -> None:
    @tf.function
    def f(x):
        def inner(y, n):
            return y if n == 0 else inner(y, n - 1) + 0.0 * n
        return inner(x, 900) * 2.0

    np.testing.assert_allclose(f(np.float32(1.5)), 3.0)


def test_chain_of_distinct_helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    n = 150  # >= 97 failed before
    lines = ["def h0(x):", "    return x + 1.0", ""]
    for i in range(1, n):
        lines += [f"def h{i}(x):", f"    return h{i - 1}(x) * 1.0 + 1.0", ""]
    (tmp_path / "gradc_deep_chain.py").write_text("\n".join(lines))
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = importlib.import_module("gradc_deep_chain")
    top = getattr(mod, f"h{n - 1}")

    @tf.function
    def f(x):
        return top(x)

    np.testing.assert_allclose(f(np.float32([0.0, 1.0])), [n, n + 1.0])


def test_infinite_recursion_is_a_located_recursion_error() -> None:
    @tf.function
    def f(x):
        return _forever(x)

    with pytest.raises(RecursionError) as info:
        f(np.float32(1.0))
    msg = str(info.value)
    assert msg.startswith("in user code:")
    assert "return _forever(x + 1.0)" in msg and "in _forever" in msg
    assert "more times]" in msg  # folded as Python folds repeated frames
    assert len(msg) < 2000
    assert msg.rstrip().endswith("RecursionError: maximum recursion depth exceeded")
