"""The import graph of gradc's own modules, read from the source with `ast` (nothing is imported).

Used by tests/test_layering.py and runnable by hand (`python tests/layering.py`) to list:
- cycles among module-level imports (imports under `if TYPE_CHECKING:` do not count; imports
  inside functions do, since they run whenever the function does and only hide a cycle);
- upward imports: runtime -> frontend, compiler -> frontend or runtime, one lowering backend ->
  the other, lowering -> the internals of passes (anything but the `passes` package itself);
- private names (a leading underscore) imported from another module.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Folder -> import name, as pyproject.toml's package-dir maps them.
PACKAGES = {"frontend": "gradc", "compiler": "gradc.compiler", "runtime": "gradc.runtime"}


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    # (imported module, imported name or None, line, runtime-only import?)
    imports: list[tuple[str, str | None, int, bool]] = field(default_factory=list)


def module_name(path: Path) -> tuple[str, bool]:
    rel = path.relative_to(ROOT)
    base = PACKAGES[rel.parts[0]]
    parts = list(rel.with_suffix("").parts[1:])
    is_package = parts[-1:] == ["__init__"]
    if is_package:
        parts = parts[:-1]
    return ".".join([base, *parts]), is_package


def _type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def scan() -> dict[str, Module]:
    mods: dict[str, Module] = {}
    for folder in PACKAGES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            name, is_package = module_name(path)
            mods[name] = Module(name, path, is_package)
    for mod in mods.values():
        tree = ast.parse(mod.path.read_text(), str(mod.path))
        skip: set[int] = set()
        for node in ast.walk(tree):
            if _type_checking_block(node):
                skip.update(id(n) for n in ast.walk(node))
        pkg = mod.name if mod.is_package else mod.name.rsplit(".", 1)[0]
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("gradc"):
                        mod.imports.append((a.name, None, node.lineno, True))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = pkg.split(".")
                    base = base[: len(base) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if not target.startswith("gradc"):
                    continue
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    if sub in mods:  # `from pkg import module`
                        mod.imports.append((sub, None, node.lineno, True))
                    else:
                        mod.imports.append((target, a.name, node.lineno, True))
    return mods


def resolve(mods: dict[str, Module], name: str) -> str | None:
    while name and name not in mods:
        name = name.rsplit(".", 1)[0] if "." in name else ""
    return name or None


def cycles(mods: dict[str, Module]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    graph = {m: sorted({t for i in mods[m].imports if (t := resolve(mods, i[0])) and t != m}) for m in mods}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on.add(v)
            recurse = False
            for j in range(i, len(graph[v])):
                w = graph[v][j]
                if w not in index:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
    return out


def layer(name: str) -> str:
    if name.startswith("gradc.runtime"):
        return "runtime"
    if name.startswith("gradc.compiler"):
        return "compiler"
    return "frontend"


def upward(mods: dict[str, Module]) -> list[str]:
    bad = []
    for m in mods.values():
        for target, _, line, _ in m.imports:
            t = resolve(mods, target) or target
            where = f"{m.path.relative_to(ROOT)}:{line}: {m.name} imports {t}"
            if layer(m.name) == "runtime" and layer(t) == "frontend":
                bad.append(f"{where} (runtime -> frontend)")
            elif layer(m.name) == "compiler" and layer(t) != "compiler":
                bad.append(f"{where} (compiler -> {layer(t)})")
            for a, b in (("llvm", "mlir"), ("mlir", "llvm")):
                if m.name.startswith(f"gradc.compiler.lowering.{a}") and t.startswith(f"gradc.compiler.lowering.{b}"):
                    bad.append(f"{where} (backend -> backend)")
            if m.name.startswith("gradc.compiler.lowering") and t.startswith("gradc.compiler.passes."):
                bad.append(f"{where} (lowering -> passes internals)")
    return bad


def private_names(mods: dict[str, Module]) -> list[str]:
    bad = []
    for m in mods.values():
        for target, name, line, _ in m.imports:
            if name and name.startswith("_") and not name.startswith("__"):
                bad.append(f"{m.path.relative_to(ROOT)}:{line}: {m.name} imports private {target}.{name}")
    return bad


def main() -> int:
    mods = scan()
    problems = [f"cycle: {' <-> '.join(c)}" for c in cycles(mods)] + upward(mods) + private_names(mods)
    print("\n".join(problems) or "no layering problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
