"""`crucible init --project DIR`: a newcomer's first step. Finds the project's packages, tests and
benchmarks, writes `[tool.crucible]` (into pyproject.toml, else a crucible.toml), a commented
`specs/kernel.toml`, and contract stubs a spec writer fills in (signatures, empty `pre:`/`post:`
lines, which promise nothing until filled); then says to lock the kernel. Existing files are never
overwritten. Exit 0; 2 when the project is already configured or has no package or tests."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Final, TextIO

import libcst as cst

from pipeline.errors import BadInput
from verifiers.atomic import write_text_atomic
from verifiers.tree import IGNORED_DIRS, iter_files

__all__ = ["run_init_command"]

NOT_SOURCE: Final = frozenset({"tests", "test", "benchmarks", "bench", "specs", "docs", "doc", "examples", "scripts", "src"})
KERNEL: Final = '''# The safety kernel: what no mutation may change, rebind, wrap or monkeypatch.
# Name whole files, or symbols as "module:qualname", e.g.
#   protected = ["{package}/safety.py", "{package}.limits:MAX_STEPS"]
# The tests, the specs, the benchmarks, this file, the Crucible config and crucible.lock are
# always protected. After editing, lock it: crucible kernel lock --project .
protected = []

# Modules no change may import (directly, or by a name computed at run time).
forbidden_imports = ["subprocess", "socket", "ctypes", "multiprocessing", "urllib.request", "http.client"]
'''


def run_init_command(args: argparse.Namespace, out: TextIO) -> int:
    root: Path = args.project.resolve()
    if not root.is_dir():
        raise BadInput(f"{args.project}: project directory does not exist")
    _refuse_if_configured(root)
    packages = _packages(root)
    tests, left_out = _tests(root, packages)
    benchmarks = "benchmarks" if any(True for _ in _bench_files(root)) else None
    written = [_write_config(root, packages, tests, benchmarks), *_write_specs(root, packages, tests)]
    for path in written:
        print(f"wrote {path.relative_to(root)}", file=out)
    print(f"source = {list(packages)}, tests = {tests!r}, benchmarks = {benchmarks!r}", file=out)
    if left_out:
        print(f"not in the suite Crucible runs (tests names one directory): {', '.join(left_out)}", file=out)
    print("next: name what must never change in specs/kernel.toml, fill in the contracts you want checked "
          f"(specs/…: empty pre:/post: lines are ignored), then run: crucible kernel lock --project {args.project}", file=out)
    return 0


def _refuse_if_configured(root: Path) -> None:
    if (root / "crucible.toml").exists():
        raise BadInput(f"{root / 'crucible.toml'}: already configured; init writes only a new configuration")
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(f"{pyproject}: not valid TOML: {exc}") from None
        tool = data.get("tool")
        if isinstance(tool, dict) and "crucible" in tool:
            raise BadInput(f"{pyproject}: already has [tool.crucible]; init writes only a new configuration")


def _packages(root: Path) -> tuple[str, ...]:
    """Top-level packages (a directory with __init__.py), else top-level modules."""
    found = sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").is_file()
                   and p.name not in NOT_SOURCE and p.name not in IGNORED_DIRS and not p.name.startswith("."))
    if not found:
        found = sorted(p.name for p in root.glob("*.py") if p.name not in ("setup.py", "conftest.py", "noxfile.py"))
    if not found:
        hint = " (a src/ layout: move the package to the project root)" if (root / "src").is_dir() else ""
        raise BadInput(f"{root}: no package or module at the project root{hint}")
    return tuple(found)


def _tests(root: Path, packages: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """`tests/` or `test/` at the root; else the test directories inside the packages (as in
    `toolz/tests`): the one with the most test files, and the others, which are left out."""
    for name in ("tests", "test"):
        if (root / name).is_dir():
            return name, ()
    counts: dict[str, int] = {}
    for package in packages:
        for relative in iter_files(root, package):
            folder, _, name = relative.rpartition("/")
            if name.startswith("test_") and name.endswith(".py") and folder.rsplit("/", 1)[-1] in ("tests", "test"):
                counts[folder] = counts.get(folder, 0) + 1
    if not counts:
        raise BadInput(f"{root}: no tests/ or test/ directory (at the root or inside a package): "
                       "Crucible runs the project's pytest suite on every variant")
    ranked = sorted(counts, key=lambda folder: (-counts[folder], folder.count("/"), folder))
    return ranked[0], tuple(ranked[1:])


def _bench_files(root: Path) -> list[str]:
    return [p for p in iter_files(root, "benchmarks") if p.rsplit("/", 1)[-1].startswith(("bench_", "test_")) and p.endswith(".py")]


def _write_config(root: Path, packages: tuple[str, ...], tests: str, benchmarks: str | None) -> Path:
    table = [f"source = {list(packages)!r}".replace("'", '"'), f'tests = "{tests}"', 'specs = "specs"',
             'kernel = "specs/kernel.toml"', *([f'benchmarks = "{benchmarks}"'] if benchmarks else [])]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        text = pyproject.read_text(encoding="utf-8")
        write_text_atomic(pyproject, text.rstrip("\n") + "\n\n[tool.crucible]\n" + "\n".join(table) + "\n")
        return pyproject
    write_text_atomic(root / "crucible.toml", "\n".join(table) + "\n")
    return root / "crucible.toml"


def _write_specs(root: Path, packages: tuple[str, ...], tests: str) -> list[Path]:
    written = []
    kernel = root / "specs" / "kernel.toml"
    if not kernel.exists():
        kernel.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(kernel, KERNEL.replace("{package}", packages[0].removesuffix(".py")))
        written.append(kernel)
    for package in packages:
        for relative in iter_files(root, package):
            if not relative.endswith(".py") or relative.startswith(tests + "/") or _is_test_file(relative):
                continue
            stub = root / "specs" / relative
            if stub.exists():
                continue
            text = contract_stubs((root / relative).read_text(encoding="utf-8"))
            if text:
                stub.parent.mkdir(parents=True, exist_ok=True)
                write_text_atomic(stub, text)
                written.append(stub)
    return written


def _is_test_file(relative: str) -> bool:
    folders, _, name = relative.rpartition("/")
    return name.startswith("test_") or name == "conftest.py" or bool({"tests", "test"} & set(folders.split("/")))


def contract_stubs(source: str) -> str:
    """A stub per public function and method: the same signature, a docstring with empty
    `pre:`/`post:` lines to fill in, and `...` as its body."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return ""
    parts = []
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and not statement.name.value.startswith("_"):
            parts.append(_stub(module, statement, ""))
        elif isinstance(statement, cst.ClassDef) and not statement.name.value.startswith("_") and isinstance(statement.body, cst.IndentedBlock):
            methods = [s for s in statement.body.body if isinstance(s, cst.FunctionDef)
                       and (not s.name.value.startswith("_") or s.name.value == "__init__")]
            if methods:
                body = "\n".join(_stub(module, m, "    ") for m in methods)
                parts.append(f'class {statement.name.value}:\n    """\n    inv:\n    """\n\n{body}')
    if not parts:
        return ""
    header = ('"""Contracts (PEP 316): fill in `pre:` / `post:` (and `inv:`) lines; a stub whose lines are\n'
              'all empty promises nothing and is ignored. `__return__` is the result, `__old__` the state before."""\n\n'
              "from __future__ import annotations\n\n\n")
    return header + "\n\n".join(parts) + "\n"


def _stub(module: cst.Module, function: cst.FunctionDef, indent: str) -> str:
    signature = module.code_for_node(function.with_changes(body=cst.IndentedBlock([]), decorators=[], leading_lines=[]))
    head = signature.split(":\n", 1)[0].rstrip() if ":\n" in signature else signature.rstrip().rstrip(":")
    lines = [line for line in head.splitlines()]
    first = indent + lines[0] + "".join("\n" + indent + line for line in lines[1:])
    return f'{first}:\n{indent}    """\n{indent}    pre:\n{indent}    post:\n{indent}    """\n{indent}    ...\n'
