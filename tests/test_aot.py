"""AOT compilation: a C program linked with an object from `gradc compile`, and `gradc.load` of a .so.

The C program is examples/aot/main.c (a loss and its gradients through the plain C ABI); its
printed values must equal the JIT's. The shared-library tests call the same ABI from ctypes,
including every status code the wrapper returns instead of crashing. The boundary tests check
that gradc.load refuses damaged, foreign or too-new files before mapping them, that bad CPU
names are errors rather than LLVM aborts (both in child processes, so a regression cannot kill
the test run), and that every entry shape the JIT supports (rank 0 to 8, several outputs,
nested results) comes back through gradc.load as the JIT returns it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import json
import platform
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import llvmlite.binding as llvm
import numpy as np
import pytest

import gradc
from gradc.cli import main
from gradc.runtime.aot import AotError, compile_aot, cpu_features, host_cpu_features, link_shared
from gradc.runtime.aot_artifact import read_sealed, seal
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


# -- the native boundary: no file is mapped before it is verified, no CPU name reaches LLVM unchecked --

X86_64 = platform.machine().lower() in ("x86_64", "amd64")


def _child(code: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter: a regression to a SIGBUS/SIGILL/abort must not kill pytest."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def twice_so(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small sealed library: x -> 2x on f32[3]."""
    out = tmp_path_factory.mktemp("twice") / "twice.so"
    compile_aot(gradc.function(lambda x: 2.0 * x), [np.zeros(3, np.float32)], name="twice").shared_library(out)
    return out


def _variants(so: Path, tmp: Path) -> dict[str, Path]:
    """Damaged, forged and foreign files next to a good library, each with the message it must get."""
    data = so.read_bytes()
    payload, info = read_sealed(so)
    host = llvm.get_host_cpu_features()
    lacking = next((f for f, on in sorted(host.items()) if not on), None)
    foreign = "aarch64-unknown-linux-gnu" if not platform.machine().startswith("aarch64") else "x86_64-pc-linux-gnu"
    flipped = bytearray(data)
    flipped[len(payload) // 2] ^= 0x40
    meta_flip = bytearray(data)
    meta_flip[len(payload) + 3] ^= 0x01
    future = bytearray(data)
    future[-12:-8] = (2).to_bytes(4, "little")  # the footer's format version
    files = {
        "empty": b"",
        "half": data[: len(data) // 2],
        "minus_one_byte": data[:-1],
        "payload_only": payload,  # a plain ELF library gradc did not seal
        "one_payload_byte": bytes(flipped),
        "one_metadata_byte": bytes(meta_flip),
        "appended": data + b"\0",
        "future_format": bytes(future),
        "other_triple": seal(payload, replace(info, triple=foreign)),
        "object_kind": seal(payload, replace(info, kind="object")),
    }
    if lacking is not None:
        files["missing_feature"] = seal(payload, replace(info, features=(*info.features, lacking)))
    paths = {}
    for name, content in files.items():
        paths[name] = tmp / f"{name}.so"
        paths[name].write_bytes(content)
    return paths


BAD_FILE_MESSAGES = {
    "empty": "is not a gradc AOT library (or it is truncated): an empty file",
    "half": "is not a gradc AOT library (or it is truncated)",
    "minus_one_byte": "is not a gradc AOT library (or it is truncated)",
    "payload_only": "without a gradc trailer",
    "one_payload_byte": "truncated or modified (SHA-256 hash mismatch)",
    "one_metadata_byte": "truncated or modified (SHA-256 hash mismatch)",
    "appended": "is not a gradc AOT library",
    "future_format": "format version 2, this gradc reads version 1",
    "other_triple": "was built for aarch64-unknown-linux-gnu, this host is" if not platform.machine().startswith(
        "aarch64") else "was built for x86_64-pc-linux-gnu",
    "object_kind": "is a gradc AOT object file, for linking into C programs",
    "missing_feature": "that this host lacks",
}


def test_load_refuses_bad_files_before_mapping(twice_so: Path, tmp_path: Path) -> None:
    paths = _variants(twice_so, tmp_path)
    r = _child(f"""
        import json, gradc
        paths = {json.dumps({k: str(v) for k, v in paths.items()})}
        for name, path in paths.items():
            try:
                gradc.load(path)
                print(json.dumps([name, "loaded"]), flush=True)
            except gradc.AotLoadError as e:
                print(json.dumps([name, str(e)]), flush=True)
        """)
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)  # -7 would be a SIGBUS
    got = dict(json.loads(line) for line in r.stdout.splitlines())
    assert got.keys() == paths.keys()
    for name, message in got.items():
        assert BAD_FILE_MESSAGES[name] in message and str(paths[name]) in message, (name, message)


def test_missing_feature_message_names_the_feature(twice_so: Path, tmp_path: Path) -> None:
    payload, info = read_sealed(twice_so)
    lacking = next((f for f, on in sorted(llvm.get_host_cpu_features().items()) if not on), None)
    if lacking is None:
        pytest.skip("this CPU has every feature LLVM knows")
    forged = tmp_path / "forged.so"
    forged.write_bytes(seal(payload, replace(info, cpu="imaginary", features=(lacking, *info.features))))
    with pytest.raises(gradc.AotLoadError, match=rf"CPU imaginary with features {re.escape(lacking)} that this host"):
        gradc.load(forged)  # nothing is mapped: the check runs on the file's bytes


def test_library_for_a_cpu_this_host_cannot_run_is_refused(tmp_path: Path) -> None:
    # A real build for a newer CPU (not a forged trailer): its features are LLVM's for that CPU.
    if not X86_64:
        pytest.skip("x86-64 CPU names")
    host = set(host_cpu_features())
    cpu = next((c for c in ("x86-64-v4", "znver5", "diamondrapids", "sapphirerapids", "graniterapids")
                if not set(cpu_features(c)) <= host), None)
    if cpu is None:
        pytest.skip("this host runs every candidate CPU")
    lacking = sorted(set(cpu_features(cpu)) - host)
    compile_aot(gradc.function(lambda x: 2.0 * x), [np.zeros(3, np.float32)], cpu=cpu).shared_library(
        tmp_path / "newer.so")
    assert read_sealed(tmp_path / "newer.so")[1].cpu == cpu
    with pytest.raises(gradc.AotLoadError, match=f"built for CPU {cpu} with features {re.escape(','.join(lacking))}"):
        gradc.load(tmp_path / "newer.so")


def test_loaded_library_survives_the_file_changing(twice_so: Path, tmp_path: Path) -> None:
    # Rebuilding a library in place while a process uses it truncates the mapped file: SIGBUS,
    # unless the process runs its own verified copy.
    so = tmp_path / "inuse.so"
    so.write_bytes(twice_so.read_bytes())
    r = _child(f"""
        import numpy as np, gradc
        fn = gradc.load({str(so)!r})
        open({str(so)!r}, "wb").write(b"rebuilt")
        print(fn(np.arange(3, dtype=np.float32)).tolist())
        """)
    assert r.returncode == 0 and r.stdout.strip() == "[0.0, 2.0, 4.0]", (r.returncode, r.stdout, r.stderr)


def test_artifacts_record_target_and_features(built: Path) -> None:
    for name, kind in (("model.o", "object"), ("model.so", "shared")):
        payload, info = read_sealed(built / name)
        assert payload[:4] == b"\x7fELF" and info.kind == kind
        assert info.triple == llvm.get_process_triple() and info.cpu == llvm.get_host_cpu_name()
        assert set(info.features) == set(host_cpu_features())
    # The sealed object links into C programs (the `built` fixture linked main with it); a library
    # linked from it by hand is not sealed, so gradc.load refuses it.
    hand = built / "by_hand.so"
    subprocess.run([CC, "-shared", "-o", str(hand), str(built / "model.o"), "-lm"], check=True)
    with pytest.raises(gradc.AotLoadError, match="without a gradc trailer"):
        gradc.load(hand)


@pytest.mark.skipif(not X86_64, reason="x86-64 CPU names and levels")
def test_cpu_features_are_llvms() -> None:
    # The x86-64 psABI levels, as LLVM defines them.
    base, v3, v4 = (set(cpu_features(c)) for c in ("x86-64", "x86-64-v3", "x86-64-v4"))
    assert {"sse2", "cmov", "cx8"} <= base and not {"avx", "sse4.2", "popcnt"} & base
    assert {"avx2", "fma", "bmi2", "movbe", "popcnt", "sse4.2"} <= v3 and "avx512f" not in v3
    assert {"avx512f", "avx512bw", "avx512vl"} <= v4
    assert set(cpu_features("generic")) <= base


def test_generic_build_loads_and_records_baseline(tmp_path: Path) -> None:
    f = gradc.function(lambda x, y: gradc.exp(x) * y)
    args = [np.linspace(0, 1, 8).reshape(2, 4), np.float64(3.0)]
    compile_aot(f, args, cpu="generic").shared_library(tmp_path / "g.so")
    info = read_sealed(tmp_path / "g.so")[1]
    assert info.cpu == "generic" and set(info.features) == set(cpu_features("generic"))
    if X86_64:
        assert "avx" not in info.features
    np.testing.assert_allclose(gradc.load(tmp_path / "g.so")(*args), f(*args), rtol=1e-12)


@pytest.mark.parametrize(("cpu", "message"), [
    ("pentium9000", "unknown CPU 'pentium9000'"),
    ("help", "unknown CPU 'help'"),  # LLVM would print its tables
    ("", "unknown CPU ''"),
    ("pentium4", "CPU 'pentium4' cannot run code for x86_64"),  # 32-bit: LLVM aborts the process
])
def test_bad_cpu_names_are_errors_not_aborts(cpu: str, message: str) -> None:
    if cpu == "pentium4" and not X86_64:
        pytest.skip("x86 CPU")
    r = _child(f"""
        import numpy as np, gradc
        from gradc.runtime.aot import AotError, compile_aot
        try:
            compile_aot(gradc.function(lambda x: x + 1), [np.zeros(2)], cpu={cpu!r}).object()
        except AotError as e:
            print(e)
        """)
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])  # LLVM's abort exits with 1 after "LLVM ERROR"
    assert message in r.stdout and "LLVM ERROR" not in r.stderr and "not a recognized processor" not in r.stderr
    if "unknown" in message:
        assert "host (this machine), generic (portable)" in r.stdout
        if X86_64:
            assert "x86-64-v3" in r.stdout and "skylake" in r.stdout  # the valid names are listed


def test_link_several_objects_into_one_library(tmp_path: Path) -> None:
    a = compile_aot(gradc.function(lambda x: x + 1.0), [np.zeros(2)], name="inc")
    b = compile_aot(gradc.function(lambda x: x * 3), [np.zeros(2, np.int32)], name="triple", cpu="generic")
    (tmp_path / "a.o").write_bytes(a.object())
    (tmp_path / "b.o").write_bytes(b.object())
    link_shared([tmp_path / "a.o", tmp_path / "b.o"], tmp_path / "ab.so")
    info = read_sealed(tmp_path / "ab.so")[1]
    assert set(info.features) == set(host_cpu_features()) | set(cpu_features("generic"))
    assert gradc.load(tmp_path / "ab.so", "inc")(np.ones(2)).tolist() == [2.0, 2.0]
    assert gradc.load(tmp_path / "ab.so", "triple")(np.ones(2, np.int32)).tolist() == [3, 3]
    (tmp_path / "c.o").write_bytes(read_sealed(tmp_path / "a.o")[0])  # an object gradc did not seal
    with pytest.raises(AotError, match="c.o is not a gradc AOT library"):
        link_shared([tmp_path / "c.o"], tmp_path / "c.so")


# -- every entry shape the JIT supports, through gradc.load --

RANK_SHAPES = [(), (3,), (2, 3), (2, 1, 3), (1, 2, 1, 2), (2, 1, 1, 2, 1), (1, 2, 1, 1, 2, 1),
               (2, 1, 1, 1, 1, 2, 1), (1, 2, 1, 1, 1, 1, 2, 1)]


@gradc.function
def nested(x, n, s):
    y = x * s
    return y, (gradc.reduce_sum(y), [None, n * 2 + 1]), {"g": gradc.gradients(gradc.reduce_sum(y * y), [x, s])}


def _same(got: Any, want: Any) -> None:
    """Equal nesting (types included), dtypes, shapes and values."""
    assert type(got) is type(want) or (isinstance(got, np.ndarray) and isinstance(want, (np.ndarray, np.generic)))
    if isinstance(want, dict):
        assert got.keys() == want.keys()
        for k in want:
            _same(got[k], want[k])
    elif isinstance(want, (tuple, list)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
    elif want is not None:
        assert got.shape == np.shape(want) and got.dtype == np.asarray(want).dtype
        np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("rank", range(len(RANK_SHAPES)))
def test_load_every_rank_and_nested_results(rank: int, tmp_path: Path) -> None:
    shape = RANK_SHAPES[rank]
    x = np.linspace(-1, 2, int(np.prod(shape))).reshape(shape)
    n = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    args = [x, n, np.float64(1.5)]
    compile_aot(nested, args).shared_library(tmp_path / "nested.so")
    fn = gradc.load(tmp_path / "nested.so")
    assert [len(t["shape"]) for t in fn.info["inputs"]] == [rank, rank, 0]
    _same(fn(*args), nested(*args))
    _same(fn(x, n, 1.5), nested(*args))  # a Python scalar for the rank-0 input
    _same(fn(np.asarray(x, order="F"), n, np.array(1.5)), nested(*args))


def test_load_rank0_single_result_and_empty_and_no_result(tmp_path: Path) -> None:
    cases = [
        (gradc.function(lambda a, b: a * b + 1.0), [np.float32(2.0), np.float32(3.0)]),  # rank-0 in and out
        (gradc.function(lambda a: gradc.reduce_sum(a) > 0), [np.zeros((0, 3))]),  # an empty input, bool out
        (gradc.function(lambda a: a[:0] * 2.0), [np.ones(3)]),  # an empty output
        (gradc.function(lambda a: None), [np.ones(2)]),  # no outputs at all
    ]
    for i, (f, args) in enumerate(cases):
        compile_aot(f, args, name=f"case{i}").shared_library(tmp_path / f"case{i}.so")
        _same(gradc.load(tmp_path / f"case{i}.so")(*args), f(*args))
