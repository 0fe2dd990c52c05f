"""`gradc compile`: options, output naming, and clear errors (exit 2 usage, 1 compile) without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gradc.cli import main

TWO = """\
import gradc as tf

@tf.function(input_signature=[tf.TensorSpec([2, 3], tf.float32)])
def f(x):
    print("traced f")
    return tf.reduce_sum(tf.exp(x)), tf.gradients(tf.reduce_sum(tf.exp(x)), x)

@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def unknown(x):
    return x * 2

@tf.function
def g(x):
    return tf.matmul(x, x)

@tf.function
def uses_try(x):
    try:
        y = x * 2
    except ValueError:
        y = x
    return y
"""


@pytest.fixture
def prog(tmp_path: Path) -> Path:
    p = tmp_path / "prog.py"
    p.write_text(TWO)
    return p


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """main() in-process (fast); argparse's own usage errors arrive as SystemExit(2)."""
    try:
        rc = main(["compile", *args])
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    out, err = capsys.readouterr()
    return rc, out, err


def test_help_lists_every_option() -> None:
    exe = Path(sys.executable).parent / "gradc"
    r = subprocess.run([str(exe), "compile", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for opt in ("--function", "--signature", "--emit", "-o", "--output", "--name", "--cpu", "--cc"):
        assert opt in r.stdout, opt
    for kind in ("obj", "header", "so", "llvm", "asm", "mlir"):
        assert kind in r.stdout, kind
    assert "exit status" in r.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--emit", "exe"], "unknown emit kind 'exe'"),
    (["--emit", "obj,wasm"], "unknown emit kind 'wasm'"),
    (["--function", "f", "--signature", "f32[2,3"], "bad --signature"),
    (["--function", "f", "--signature", "q8[2]"], "bad --signature"),
    (["--function", "nope"], "no function 'nope'"),
    ([], "several functions (f, unknown, g, uses_try); pick one with --function"),
    (["--function", "unknown"], "unknown dimensions"),
    (["--function", "g"], "give their shapes with --signature"),
    (["--function", "f", "--emit", "obj", "-o", "-"], "-o - (stdout) needs exactly one text --emit"),
    (["--function", "f", "--name", "not-c"], "not a C identifier"),
])
def test_usage_errors(capsys: pytest.CaptureFixture[str], prog: Path, args: list[str], message: str) -> None:
    rc, out, err = run(capsys, str(prog), *args)
    assert rc == 2
    assert message in err and "Traceback" not in err
    assert out == ""


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, err = run(capsys, str(tmp_path / "absent.py"))
    assert rc == 2 and "no such file" in err


@pytest.mark.parametrize(("args", "message"), [
    (["--function", "g", "--signature", "f32[2,3]"], "Dimensions must be equal"),
    (["--function", "uses_try", "--signature", "f32[2]"], "`try`/`except` is not supported"),
])
def test_compile_errors(capsys: pytest.CaptureFixture[str], prog: Path, args: list[str], message: str,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADC_DEBUG", raising=False)
    rc, _, err = run(capsys, str(prog), *args)
    assert rc == 1 and message in err and "Traceback" not in err
    monkeypatch.setenv("GRADC_DEBUG", "1")
    rc, _, err = run(capsys, str(prog), *args)
    assert rc == 1 and "Traceback" in err


def test_module_import_error_is_a_compile_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "broken.py"
    p.write_text("import gradc as tf\nraise RuntimeError('boom')\n")
    rc, _, err = run(capsys, str(p))
    assert rc == 1 and "importing" in err and "boom" in err


def test_several_emits_to_a_stem(capsys: pytest.CaptureFixture[str], prog: Path, tmp_path: Path) -> None:
    rc, _, err = run(capsys, str(prog), "--function", "f", "--emit", "obj", "--emit", "header,llvm,asm,mlir",
                     "-o", str(tmp_path / "build" / "model"))
    assert rc == 0, err
    names = sorted(p.name for p in (tmp_path / "build").iterdir())
    assert names == ["model.h", "model.ll", "model.mlir", "model.o", "model.s"]
    assert (tmp_path / "build" / "model.o").read_bytes()[:4] == b"\x7fELF"
    assert "int32_t gradc_f(const gradc_tensor *inputs" in (tmp_path / "build" / "model.h").read_text()
    ll = (tmp_path / "build" / "model.ll").read_text()
    assert "@gradc_f(" in ll and "@gradc_f_info(" in ll
    assert "func.func" in (tmp_path / "build" / "model.mlir").read_text()


def test_directory_output_and_default_emits(capsys: pytest.CaptureFixture[str], prog: Path, tmp_path: Path) -> None:
    rc, _, err = run(capsys, str(prog), "--function", "f", "-o", str(tmp_path) + "/")
    assert rc == 0, err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("f.")) == ["f.h", "f.o"]


def test_single_emit_path_name_and_stdout(capsys: pytest.CaptureFixture[str], prog: Path, tmp_path: Path) -> None:
    rc, _, _ = run(capsys, str(prog), "--function", "g", "--signature", "f32[3,3]", "--emit", "header",
                   "--name", "square", "-o", str(tmp_path / "sq.h"))
    assert rc == 0
    text = (tmp_path / "sq.h").read_text()
    assert "gradc_square(" in text and "#define GRADC_SQUARE_INPUT0_SIZE 9" in text
    rc, out, _ = run(capsys, str(prog), "--function", "f", "--emit", "llvm", "-o", "-")
    assert rc == 0 and "define" in out and "@gradc_f_with_workspace(" in out
    assert "traced f" not in out  # trace-time prints go to stderr when stdout carries the IR


@pytest.mark.parametrize("cpu", ["pentium9000", "help"])
def test_unknown_cpu_is_a_usage_error(prog: Path, tmp_path: Path, cpu: str) -> None:
    # A child process: before the check, LLVM warned, then aborted the process while emitting.
    exe = Path(sys.executable).parent / "gradc"
    r = subprocess.run([str(exe), "compile", str(prog), "--function", "f", "--cpu", cpu, "-o", str(tmp_path / "f")],
                       capture_output=True, text=True)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert f"--cpu: unknown CPU {cpu!r}" in r.stderr and "generic (portable)" in r.stderr
    assert "LLVM ERROR" not in r.stderr and "Traceback" not in r.stderr and "Available CPUs" not in r.stderr
    assert not list(tmp_path.glob("f.*"))


def test_named_cpu_compiles(capsys: pytest.CaptureFixture[str], prog: Path, tmp_path: Path) -> None:
    rc, _, err = run(capsys, str(prog), "--function", "f", "--cpu", "generic", "--emit", "obj,so",
                     "-o", str(tmp_path / "f"))
    assert rc == 0, err
    from gradc.runtime.aot_artifact import read_sealed

    assert read_sealed(tmp_path / "f.so")[1].cpu == "generic"
