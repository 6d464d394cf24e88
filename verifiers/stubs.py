"""Types from where they are: a function without inline annotations may have them in a `.pyi`
stub beside its module (`pkg/mod.pyi`, PEP 561 packages) or in a stub package at the project's
root (`pkg-stubs/mod.pyi`). Found here from the syntax alone; the sandboxed processes that build
inputs and run CrossHair attach them to the function (`_formal_worker.apply_stub`)."""

from __future__ import annotations

import ast
from pathlib import Path

__all__ = ["stub_for", "stub_signature"]


def stub_for(root: Path, module_path: str) -> str | None:
    """The project-relative path of the stub that types `module_path`, if there is one."""
    beside = module_path[:-3] + ".pyi" if module_path.endswith(".py") else None
    top, _, rest = module_path.partition("/")
    candidates = [beside, f"{top}-stubs/{rest[:-3]}.pyi" if rest.endswith(".py") else None]
    return next((c for c in candidates if c is not None and (root / c).is_file()), None)


def stub_signature(root: Path, stub: str, qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The stub's `def` of `qualname` (a method: `Class.name`), if it has one."""
    try:
        tree = ast.parse((root / stub).read_bytes())
    except (SyntaxError, OSError):
        return None
    body: list[ast.stmt] = tree.body
    *owners, name = qualname.split(".")
    for owner in owners:
        found = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == owner), None)
        if found is None:
            return None
        body = found.body
    defs = [n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name]
    return defs[-1] if defs else None
