"""The `gradc` command line: dump every compilation stage, run passes on IR text.

    gradc dump FILE.py [--function NAME] [--signature 'f32[2,3],f32[3]'] [--stage S]
    gradc opt FILE.gir -p 'remove-stop-gradient,dce'
    gradc compile FILE.py [--function NAME] --emit obj,header|so|llvm|asm|mlir [-o OUT]  (cli_compile.py)

`dump` imports FILE.py (running its module-level code, as Python would), finds the gradc
functions in it, compiles the chosen one for the signature and prints the requested stage:
source, ir (staged program), autodiff, each pass by name, optimized, llvm, llvm-opt, asm,
mlir, or all.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gradc.compiler.ir.types import DType

from .cli_compile import add_parser as add_compile_parser

_SIG_RE = re.compile(r"\s*(f32|f64|i32|i64|i1|bool)\[([0-9,\s]*)\]\s*")


def parse_signature(text: str) -> list[np.ndarray]:
    """'f32[2,3],f32[3],i32[]' → zero arrays of those shapes and dtypes."""
    out: list[np.ndarray] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _SIG_RE.match(text, pos)
        if not m:
            raise SystemExit(
                f"gradc: bad --signature {text!r} at column {pos + 1}: expected entries like "
                "f32[2,3], f64[], i32[4] separated by commas"
            )
        kind = "i1" if m.group(1) == "bool" else m.group(1)
        dims = tuple(int(d) for d in m.group(2).replace(" ", "").split(",") if d)
        out.append(np.zeros(dims, DType.from_short(kind).np))
        pos = m.end()
        if pos < len(text):
            if text[pos] != ",":
                raise SystemExit(f"gradc: bad --signature {text!r}: expected ',' at column {pos + 1}")
            pos += 1
    return out


def load_functions(path: str) -> dict[str, Any]:
    """Import a Python file and return its gradc functions by name."""
    from gradc.function import GradcFunction

    p = Path(path)
    if not p.exists():
        raise SystemExit(f"gradc: no such file: {path}")
    spec = importlib.util.spec_from_file_location(f"gradc_cli_{p.stem}", p)
    if spec is None or spec.loader is None:
        raise SystemExit(f"gradc: cannot import {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return {k: v for k, v in vars(mod).items() if isinstance(v, GradcFunction)}


def pick_function(funcs: dict[str, Any], name: str | None, path: str) -> Any:
    if not funcs:
        raise SystemExit(f"gradc: {path} defines no @gradc.function / @tf.function")
    if name is None:
        if len(funcs) > 1:
            raise SystemExit(f"gradc: {path} defines several functions ({', '.join(funcs)}); pick one with --function")
        return next(iter(funcs.values()))
    if name not in funcs:
        raise SystemExit(f"gradc: no function {name!r} in {path}; found: {', '.join(funcs)}")
    return funcs[name]


def signature_args(f: Any, sig: str | None) -> list[np.ndarray]:
    import inspect

    if sig is not None:
        return parse_signature(sig)
    if f.input_signature is not None:
        from .function import TensorSpec, flat_specs

        specs = flat_specs(f.input_signature)
        if any(s.shape is None or None in s.shape for s in specs):
            raise SystemExit("gradc: input_signature has unknown dimensions; give concrete ones with --signature")
        if any(not isinstance(s, TensorSpec) for s in f.input_signature):
            raise SystemExit("gradc: input_signature is nested; give the arguments' shapes with --signature")
        return [np.zeros(s.shape, s.dtype.np) for s in specs]
    if not inspect.signature(f.python_function).parameters:
        return []
    raise SystemExit(f"gradc: {f.__name__} takes arguments: give their shapes with --signature 'f32[2,3],...'")


def cmd_dump(opts: argparse.Namespace) -> int:
    f = pick_function(load_functions(opts.file), opts.function, opts.file)
    lowered = f.lower(*signature_args(f, opts.signature))
    if opts.stage == "all":
        for stage in lowered.stages:
            print(f"// ===== {stage} =====")
            print(lowered.as_text(stage).rstrip("\n"))
        return 0
    print(lowered.as_text(opts.stage).rstrip("\n"))
    return 0


def cmd_opt(opts: argparse.Namespace) -> int:
    from gradc.compiler.passes import opt_text

    text = sys.stdin.read() if opts.file == "-" else Path(opts.file).read_text()
    sys.stdout.write(opt_text(text, opts.passes))
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="gradc", description="gradc: TensorFlow-style gradients compiled to native code")
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump", help="print the IR (or LLVM IR, assembly, MLIR) of a compilation stage")
    d.add_argument("file", help="a Python file with @gradc.function / @tf.function functions")
    d.add_argument("--function", help="which function (default: the only one)")
    d.add_argument("--signature", help="argument shapes and dtypes, e.g. 'f32[2,3],f32[3]'")
    d.add_argument("--stage", default="optimized",
                   help="source, ir, autodiff, a pass name, optimized, llvm, llvm-opt, asm, mlir, or all")
    d.set_defaults(run=cmd_dump)
    o = sub.add_parser("opt", help="run passes on IR text (file or - for stdin) and print the result")
    o.add_argument("file")
    o.add_argument("-p", "--passes", required=True, help="comma-separated pipeline, e.g. 'remove-stop-gradient,dce'")
    o.set_defaults(run=cmd_opt)
    add_compile_parser(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    opts = build_parser().parse_args(argv)
    try:
        return int(opts.run(opts))
    except (ValueError, TypeError, SyntaxError, OSError, LookupError) as e:
        print(f"gradc: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
