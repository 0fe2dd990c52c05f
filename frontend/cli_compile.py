"""`gradc compile`: ahead-of-time compilation of one gradc function to files.

    gradc compile FILE.py [--function NAME] [--signature 'f32[2,3],f32[3]']
                  --emit obj,header [--emit so ...] [-o OUT] [--name C_NAME] [--cpu host|generic] [--cc CC]

The function is traced and optimised exactly as the JIT does it (runtime/aot.py), then each
requested artefact is written. Exit status: 0 on success, 2 for usage errors (bad option,
signature, file or function choice), 1 when the program does not compile or the toolchain
fails. Errors are one message on stderr; GRADC_DEBUG=1 adds the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXT = {"obj": ".o", "header": ".h", "so": ".so", "llvm": ".ll", "asm": ".s", "mlir": ".mlir"}
BINARY = {"obj", "so"}

DESCRIPTION = """\
Compile one @tf.function ahead of time: an object file with a plain C ABI and its header
(link with -lm, no Python needed at run time), a shared library for gradc.load(), or the
LLVM IR / assembly / MLIR of the same optimised program."""

EPILOG = """\
output naming:
  one --emit:      -o is the output path (default: NAME.EXT in the current directory);
                   -o - writes a text format (llvm, asm, mlir, header) to stdout
  several --emit:  -o is a stem (OUT.o, OUT.h, ...) or an existing directory/trailing '/'
                   (DIR/NAME.o, ...)
exit status: 0 ok, 1 compile or toolchain error, 2 usage error

example:
  gradc compile model.py --function loss --emit obj,header -o build/loss
  cc main.c build/loss.o -lm -o main"""


def _emit_kinds(text: str) -> list[str]:
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    bad = [k for k in kinds if k not in EXT]
    if bad or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown emit kind {', '.join(map(repr, bad)) or repr(text)} (choose from {', '.join(EXT)})")
    return kinds


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register `compile` on the CLI's subparsers."""
    c = sub.add_parser("compile", help="compile a function ahead of time (object + C header, .so, LLVM IR, asm, MLIR)",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("file", help="a Python file with @gradc.function / @tf.function functions")
    c.add_argument("--function", metavar="NAME", help="which function (default: the only one in FILE)")
    c.add_argument("--signature", metavar="SIG",
                   help="argument shapes and dtypes, e.g. 'f32[2,3],f32[3],i32[]' (default: the decorator's "
                        "input_signature, which must have concrete dimensions)")
    c.add_argument("--emit", metavar="KINDS", type=_emit_kinds, action="append",
                   help=f"what to write, repeatable or comma-separated: {', '.join(EXT)} "
                        "(default: obj,header)")
    c.add_argument("-o", "--output", metavar="OUT", help="output path (one emit) or stem/directory (several)")
    c.add_argument("--name", metavar="C_NAME",
                   help="C name: entry point gradc_<C_NAME>, macros GRADC_<C_NAME>_* (default: the function name)")
    c.add_argument("--cpu", default="host",
                   help="target CPU: host (this machine's features, like the JIT), generic (portable), "
                        "or an LLVM CPU name such as x86-64-v3 or skylake (an unknown name lists the valid ones; "
                        "default: host). gradc.load refuses a library needing CPU features the host lacks")
    c.add_argument("--cc", metavar="CC", help="C compiler used to link --emit so (default: $CC or cc)")
    c.set_defaults(run=cmd_compile)
    return c


class UsageError(Exception):
    """A bad command line (exit status 2)."""


class CompileError(Exception):
    """The program could not be compiled (exit status 1)."""


def output_paths(emits: Sequence[str], out: str | None, stem: str) -> dict[str, Path | None]:
    """Where each emit goes; None means stdout."""
    if out == "-":
        if len(emits) != 1 or emits[0] in BINARY:
            raise UsageError("-o - (stdout) needs exactly one text --emit (llvm, asm, mlir or header)")
        return {emits[0]: None}
    if out is not None and len(emits) == 1 and not (Path(out).is_dir() or out.endswith(("/", os.sep))):
        return {emits[0]: Path(out)}
    if out is None:
        base = Path(stem)
    elif Path(out).is_dir() or out.endswith(("/", os.sep)):
        base = Path(out) / stem
    else:
        base = Path(out)
        if base.suffix in EXT.values():  # `-o build/loss.o --emit obj,header` → build/loss.{o,h}
            base = base.with_suffix("")
    return {e: base.with_name(base.name + EXT[e]) for e in emits}


def _write(path: Path | None, data: str | bytes) -> None:
    if path is None:
        sys.stdout.write(data if isinstance(data, str) else data.decode())
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)


def _select(opts: argparse.Namespace) -> tuple[Any, list[Any]]:
    """The function and example arguments; the helpers' SystemExit(str) become usage errors."""
    from .cli import load_functions, pick_function, signature_args

    try:
        try:
            funcs = load_functions(opts.file)
        except SystemExit:
            raise
        except Exception as e:  # the user's module failed while importing: a program error
            raise CompileError(f"importing {opts.file} failed: {type(e).__name__}: {e}") from e
        f = pick_function(funcs, opts.function, opts.file)
        return f, signature_args(f, opts.signature)
    except SystemExit as e:
        if isinstance(e.code, str):
            raise UsageError(e.code.removeprefix("gradc: ")) from None
        raise


def run(opts: argparse.Namespace) -> None:
    from gradc.runtime.aot import AotError, check_cpu, compile_aot

    emits = list(dict.fromkeys(k for group in (opts.emit or [["obj", "header"]]) for k in group))
    if opts.name is not None and not opts.name.isidentifier():
        raise UsageError(f"--name {opts.name!r} is not a C identifier")
    try:
        check_cpu(opts.cpu)  # an unknown CPU would make LLVM abort the process
    except AotError as e:
        raise UsageError(f"--cpu: {e}") from None
    # With `-o -`, prints of the user's module and trace-time prints go to stderr, so stdout
    # carries only the emitted text.
    quiet = contextlib.redirect_stdout(sys.stderr) if opts.output == "-" else contextlib.nullcontext()
    with quiet:
        f, args = _select(opts)
        stem = opts.name or f.__name__
        paths = output_paths(emits, opts.output, stem)
        mod = compile_aot(f, args, name=opts.name, cpu=opts.cpu, origin=os.path.basename(opts.file))
    texts = {"obj": mod.object, "header": mod.header, "llvm": mod.llvm_ir, "asm": mod.asm, "mlir": mod.mlir}
    for kind in emits:
        if kind != "so":
            _write(paths[kind], texts[kind]())
    so = paths.get("so")
    if so is not None:  # last, so it can link the object written above instead of emitting it again
        from gradc.runtime.aot import link_shared

        so.parent.mkdir(parents=True, exist_ok=True)
        obj = paths.get("obj")
        if obj is not None:
            link_shared([obj], so, opts.cc)
        else:
            mod.shared_library(so, opts.cc)


def cmd_compile(opts: argparse.Namespace) -> int:
    """Run `compile`, mapping every failure to a one-line message and an exit status."""
    from .errors import debug_enabled

    try:
        run(opts)
        return 0
    except UsageError as e:
        print(f"gradc compile: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        raise
    except Exception as e:
        if debug_enabled():
            traceback.print_exc()
        what = "" if isinstance(e, CompileError) else f"{type(e).__name__}: "
        print(f"gradc compile: error: {what}{e}", file=sys.stderr)
        return 1
