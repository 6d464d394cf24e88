"""Gate 2: the change stays inside `source`, leaves the kernel byte-for-byte alone, and does not
rebind, monkeypatch or import its way around it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Final

import libcst as cst

from verifiers import novelty
from verifiers.base import ChangeKind, Evidence, GateContext, GateResult, Outcome
from verifiers.bindings import Finding, ProtectedNames, find_violations
from verifiers.confinement import confinement_for, find_confinement
from verifiers.kernel import KernelSpec, protected_paths
from verifiers.symbols import module_file, symbol_source

__all__ = ["ScopeGate"]

# Files that change how Python, pytest or the gates behave wherever they appear.
TOOL_HOOK_NAMES: Final = frozenset(
    {
        "conftest.py", "sitecustomize.py", "usercustomize.py", "pytest.ini", "tox.ini", "setup.cfg",
        "pyproject.toml", "crucible.toml", "mypy.ini", ".mypy.ini", ".semgrepignore", "crucible.lock",
        "__main__.py",
    }
)


class ScopeGate:
    NAME: ClassVar[str] = "scope"
    DESCRIPTION: ClassVar[str] = (
        "only `source` changes; protected files and symbols are untouched; no rebinding of "
        "protected symbols; no forbidden or dynamic imports; the change stays confined (no foreign "
        "writes, introspection, judge or new imports, environment reads or raw channels)"
    )

    def check(self, ctx: GateContext) -> GateResult:
        violations = _new_violations(ctx)
        evidence = [*_outside_scope(ctx), *_protected_symbols(ctx), *violations, *_new_confinement(ctx, violations)]
        if evidence:
            return GateResult(self.NAME, Outcome.FAIL, evidence[0].message, tuple(evidence))
        n = len(ctx.variant.changes)
        return GateResult(self.NAME, Outcome.PASS, f"{n} change(s) inside source; kernel untouched")


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _outside_scope(ctx: GateContext) -> list[Evidence]:
    protected = protected_paths(ctx.config, ctx.kernel)
    found = []
    for change in ctx.variant.changes:
        for path in filter(None, (change.path, change.renamed_from)):
            name = path.rsplit("/", 1)[-1]
            hit = next((p for p in protected if _under(path, p)), None)
            if hit is not None:
                found.append(Evidence(f"{change.kind.value} protected {path} (kernel: {hit})", path, rule="protected-file"))
            elif not any(_under(path, source) for source in ctx.config.source):
                found.append(Evidence(f"{change.kind.value} {path}, outside source {list(ctx.config.source)}", path, rule="outside-source"))
            elif name in TOOL_HOOK_NAMES or name.endswith(".pth") or name.startswith("test_") or name.endswith("_test.py"):
                found.append(Evidence(f"{change.kind.value} {path}: a file that changes how tools run", path, rule="tool-hook"))
    return found


def _protected_symbols(ctx: GateContext) -> list[Evidence]:
    changed = {c.path for c in ctx.variant.changes} | {c.renamed_from for c in ctx.variant.changes if c.renamed_from}
    found = []
    for symbol in ctx.kernel.protected_symbols:
        relative = module_file(ctx.variant.original_root, symbol.module)
        if relative is None or relative not in changed:
            continue
        before = _source(ctx.variant.original_root, relative, symbol.qualname)
        after = _source(ctx.variant.root, relative, symbol.qualname)
        if after != before:
            what = "removed" if after is None else "changed or rebound"
            found.append(Evidence(f"protected symbol {symbol.key} {what}", relative, rule="protected-symbol", excerpt=after or ""))
    return found


def _source(root: Path, relative: str, qualname: str) -> str | None:
    path = root / relative
    if not path.is_file():
        return None
    try:
        return symbol_source(cst.parse_module(path.read_bytes()), qualname)
    except cst.ParserSyntaxError:
        return None


def _new_violations(ctx: GateContext) -> list[Evidence]:
    """Findings in changed files that the original version of the same file did not have."""
    names = _protected_names(ctx.variant.original_root, ctx.kernel)
    return [_evidence(path, f) for path, f in _added(ctx, lambda root, path: find_violations(root, path, names))]


def _new_confinement(ctx: GateContext, already: list[Evidence]) -> list[Evidence]:
    """Confinement findings the change adds to a file (by rule and code, as above), except on a line
    the findings above already cover: one line, one report."""
    confinement = confinement_for(ctx.variant.original_root, ctx.config.source)
    covered = {(e.path, e.line) for e in already}
    added = _added(ctx, lambda root, path: find_confinement(root, path, confinement))
    return [_evidence(path, f) for path, f in added if (path, f.line) not in covered]


def _added(ctx: GateContext, find: Callable[[Path, str], list[Finding]]) -> list[tuple[str, Finding]]:
    """Per changed Python file, what `find` reports in the variant and not in its original."""
    found: list[tuple[str, Finding]] = []
    for change in ctx.variant.changes:
        if change.kind is ChangeKind.DELETED or not change.path.endswith((".py", ".pyi")):
            continue
        original = change.renamed_from or change.path
        before = find(ctx.variant.original_root, original) if (ctx.variant.original_root / original).is_file() else []
        found += [(change.path, f) for f in novelty.added(before, find(ctx.variant.root, change.path), lambda f: f.key)]
    return found


def _evidence(path: str, finding: Finding) -> Evidence:
    return Evidence(finding.message, path, finding.line, finding.kind, finding.code)


def _protected_names(root: Path, kernel: KernelSpec) -> ProtectedNames:
    symbols = frozenset(s.dotted for s in kernel.protected_symbols)
    modules = frozenset(kernel.protected_modules)
    leaves = {s.qualname.rsplit(".", 1)[-1] for s in kernel.protected_symbols}
    for module in modules:
        leaves.add(module.rsplit(".", 1)[-1])
        leaves |= _top_level_names(root, module)
    return ProtectedNames(modules, symbols, frozenset(leaves), kernel.forbidden_imports)


def _top_level_names(root: Path, module: str) -> set[str]:
    relative = module_file(root, module)
    if relative is None:
        return set()
    try:
        tree = cst.parse_module((root / relative).read_bytes())
    except cst.ParserSyntaxError:
        return set()
    names = set()
    for statement in tree.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    names |= {t.target.value for t in small.targets if isinstance(t.target, cst.Name)}
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    names.add(small.target.value)
    return {n for n in names if not n.startswith("__")}
