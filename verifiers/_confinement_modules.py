"""Which dotted names are modules, and which modules a module imports at its top level, read
from source files (the project's, then the interpreter's search path) and never by importing
anything: `os.sys` is `sys` because os.py says `import sys`, and `collections._sys` is `sys`
because collections says `import sys as _sys`."""

from __future__ import annotations

import ast
import sys
import sysconfig
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from verifiers.symbols import module_file

__all__ = ["module_imports", "project_module", "stdlib_submodule"]


@lru_cache(maxsize=4096)
def project_module(root: Path, name: str) -> bool:
    return module_file(root, name) is not None


@lru_cache(maxsize=None)
def stdlib_submodule(name: str) -> bool:
    """`os.path`, `xml.etree`: a standard-library submodule, by its file."""
    return "." in name and _file_under(Path(sysconfig.get_paths()["stdlib"]), name) is not None


@lru_cache(maxsize=1024)
def module_imports(root: Path, module: str) -> Mapping[str, str]:
    """Local name -> the module (or `module.name`) it is bound to by a top-level import."""
    path = _module_path(root, module)
    if path is None:
        return {}
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return {}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    bound: dict[str, str] = {}
    for node in _top_level(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    bound[top] = top
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(package, node.level, node.module)
            for alias in node.names:
                if alias.name != "*":
                    bound[alias.asname or alias.name] = f"{source}.{alias.name}" if source else alias.name
    return bound


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, looking into if/try blocks (where os.py imports) but not defs."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from _top_level(node.body)
            yield from _top_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _top_level(block)


def _absolute(package: str, level: int, module: str | None) -> str:
    if not level:
        return module or ""
    parts = package.split(".") if package else []
    base = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*base, module] if module else base)


def _module_path(root: Path, module: str) -> Path | None:
    relative = module_file(root, module)
    if relative is not None:
        return root / relative
    for entry in sys.path:
        if entry and Path(entry).is_dir() and (found := _file_under(Path(entry), module)) is not None:
            return found
    return None


def _file_under(base: Path, module: str) -> Path | None:
    stem = base / module.replace(".", "/")
    for candidate in (stem.with_suffix(".py"), stem / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None
