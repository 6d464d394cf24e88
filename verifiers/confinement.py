"""Confinement: the static layer that refuses code which could forge its own verdict. Variant code
runs in processes that also hold the judge (pytest plugins, the CrossHair worker), so it may not
write to what it does not own, look at the interpreter's internals, import or name the judge,
import what the project never needed, read the process's identity, or open raw file descriptors.
Findings are unsuppressible: no comment is ever read. The parts: the rule ids and name tables
(`_confinement_names`), what an expression resolves to (`_confinement_resolve`, with
`_confinement_modules` for what other modules import), the first pass (`_confinement_aliases`),
and the second: reads (`_confinement_reads`) and writes (`_confinement_check`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import libcst as cst

from verifiers._confinement_check import Checker
from verifiers._confinement_names import (
    ENVIRONMENT, FOREIGN_WRITE, INTROSPECTION, JUDGE, NEW_IMPORT, RAW_CHANNEL,
)
from verifiers._confinement_aliases import ParamWriteCollector
from verifiers._confinement_resolve import Aliases, absolute_module, import_names
from verifiers.bindings import Finding, metadata_wrapper
from verifiers.symbols import module_name_for
from verifiers.tree import iter_files

__all__ = ["PURE_STDLIB_MODULES", "RULES", "Confinement", "confinement_for", "find_confinement"]

# Standard-library modules a change may import even when the original project never does: pure
# computation on values handed to them, no I/O, no process state, no interpreter internals, no
# clock or randomness (so no way to tell the judge's runs from others). `__future__` is a
# compiler directive. Everything else (`os`, `sys`, `time`, `random`, `io`, `threading`,
# `datetime`, `hashlib`, `pickle`, ...) only if the original project already imports it.
PURE_STDLIB_MODULES: Final = frozenset(
    {
        "__future__", "abc", "array", "bisect", "collections", "collections.abc", "contextlib", "copy",
        "dataclasses", "decimal", "difflib", "enum", "fractions", "functools", "heapq", "itertools",
        "json", "math", "numbers", "operator", "re", "statistics", "string", "textwrap", "typing",
        "unicodedata",
    }
)
RULES: Final = (FOREIGN_WRITE, INTROSPECTION, JUDGE, NEW_IMPORT, ENVIRONMENT, RAW_CHANNEL)


@dataclass(frozen=True)
class Confinement:
    """What the original project already imports, and which modules are its own."""

    imports: frozenset[str]  # every module the original's source imports, with its parents
    own: tuple[str, ...]  # the module names of the `source` entries

    def known(self, module: str) -> bool:
        """Whether a change may import `module` without it being a new import."""
        own = any(module == o or module.startswith(o + ".") for o in self.own)
        return own or module in PURE_STDLIB_MODULES or module in self.imports


def confinement_for(root: Path, source: Sequence[str]) -> Confinement:
    """The confinement of the project at `root` (the ORIGINAL tree: a change cannot widen it)."""
    own = tuple(filter(None, (_module_of_entry(entry) for entry in source)))
    imports: set[str] = set()
    for entry in source:
        for relative in iter_files(root, entry):
            imports |= _imports_of(root, relative)
    return Confinement(frozenset(imports), own)


def find_confinement(root: Path, relative: str, confinement: Confinement) -> list[Finding]:
    """Every confinement finding in one file of the tree at `root`."""
    if relative.startswith("src/"):
        root, relative = root / "src", relative.removeprefix("src/")
    wrapper = metadata_wrapper(root, relative)
    package = _package_of(relative)
    aliases = Aliases()
    for _ in range(2):  # twice, so that `b = a` after `a = json` is seen whatever the order
        wrapper.visit(ParamWriteCollector(root, package, aliases))
    checker = Checker(root, package, aliases, confinement.known)
    wrapper.visit(checker)
    return checker.findings


def _module_of_entry(entry: str) -> str | None:
    entry = entry.rstrip("/")
    if entry.endswith((".py", ".pyi")):
        return module_name_for(entry)
    parts = entry.removeprefix("src/").split("/")
    return ".".join(parts) if all(p.isidentifier() for p in parts) else None


def _package_of(relative: str) -> str:
    """The package relative imports in `relative` are resolved against."""
    module = module_name_for(relative) or ""
    return module if relative.endswith(("__init__.py", "__init__.pyi")) else module.rpartition(".")[0]


def _imports_of(root: Path, relative: str) -> set[str]:
    if not relative.endswith((".py", ".pyi")):
        return set()
    try:
        module = cst.parse_module((root / relative).read_bytes())
    except (cst.ParserSyntaxError, OSError):
        return set()
    collector = _ImportCollector(_package_of(relative))
    module.visit(collector)
    return collector.names


class _ImportCollector(cst.CSTVisitor):
    """Every module an import statement names: `import a.b` gives a and a.b; `from a.b import c`
    gives a, a.b and a.b.c (c may be a submodule)."""

    def __init__(self, package: str) -> None:
        super().__init__()
        self.package = package
        self.names: set[str] = set()

    def visit_Import(self, node: cst.Import) -> None:
        self._add(module for module, _ in import_names(node, ""))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        absolute = absolute_module(node, self.package)
        self._add(f"{m}.{name}" if name and name != "*" else m for m, name in import_names(node, absolute))

    def _add(self, modules: Iterable[str]) -> None:
        for module in modules:
            parts = module.split(".")
            self.names.update(".".join(parts[: i + 1]) for i in range(len(parts)) if parts[i])
