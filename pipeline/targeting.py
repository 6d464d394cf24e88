"""Where to look: rank the project's functions by the time the benchmarks spend in them (profiled
in the sandbox) and attach static diagnostics (the patterns the rules know how to remove)."""

from __future__ import annotations

import ast
import json
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from pipeline.config import CrucibleConfig
from pipeline.proposers.base import Diagnostic, Target
from pipeline.proposers.rules.base import Rule
from verifiers.base import Budgets, Isolation
from verifiers.changes import function_index
from verifiers.kernel import KernelSpec, protected_paths
from verifiers.recording import benchmark_files
from verifiers.sandbox import SandboxLimits, SandboxUnavailable, run_sandboxed
from verifiers.specs import ModuleSpecs
from verifiers.symbols import module_name_for
from verifiers.tree import copy_tree, iter_files

__all__ = ["Profile", "diagnose", "find_targets", "profile_project"]

_PLUGIN = "_crucible_profile_plugin"


@dataclass(frozen=True)
class Profile:
    """Seconds spent in each function (self time, builtins it called included), by module:qualname."""

    seconds: dict[str, float]
    ran: bool  # False when profiling could not run (then ranking is by diagnostics alone)


def profile_project(config: CrucibleConfig, tree: Path, scratch: Path, budgets: Budgets, isolation: Isolation) -> Profile:
    """Run the benchmarks (or, without any, the tests) once under cProfile in the sandbox."""
    workdir = copy_tree(tree, scratch / "profile")
    shutil.copyfile(Path(__file__).with_name("_profile_plugin.py"), workdir / f"{_PLUGIN}.py")
    out = workdir / "_crucible_profile.json"
    suites = benchmark_files(workdir, config.benchmarks) or [config.tests]
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_benchmark.plugin",
            "-p", _PLUGIN, "--benchmark-disable", "--rootdir", str(workdir), *suites]
    limits = SandboxLimits(budgets.test_seconds, budgets.test_cpu_seconds, budgets.memory_bytes, budgets.file_bytes, budgets.processes)
    try:
        run_sandboxed(argv, workdir=workdir, limits=limits, isolation=isolation,
                      env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "CRUCIBLE_PROFILE_OUT": str(out)})
    except SandboxUnavailable:
        return Profile({}, False)
    if not out.is_file() or out.is_symlink():
        return Profile({}, False)
    rows = json.loads(out.read_text(encoding="utf-8"))
    seconds = _attribute(workdir, rows if isinstance(rows, list) else [])
    shutil.rmtree(workdir, ignore_errors=True)
    return Profile(seconds, True)


def _attribute(root: Path, rows: list[dict[str, object]]) -> dict[str, float]:
    """Charge each profiled code object (comprehensions and lambdas included) to the function
    whose lines contain it."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    totals: dict[str, float] = {}
    for row in rows:
        filename, line, seconds = str(row.get("file", "")), row.get("line"), row.get("seconds")
        if not filename.startswith(str(root) + "/") or not isinstance(line, int) or not isinstance(seconds, float):
            continue
        relative = filename[len(str(root)) + 1:]
        if relative not in spans:
            spans[relative] = _function_spans(root / relative, relative)
        owner = _innermost(spans[relative], line)
        if owner is not None:
            totals[owner] = totals.get(owner, 0.0) + seconds
    return totals


def _function_spans(path: Path, relative: str) -> list[tuple[int, int, str]]:
    module = module_name_for(relative)
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, OSError):
        return []
    if module is None:
        return []
    spans = []
    for qualname, node in function_index(tree).items():
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        spans.append((start, node.end_lineno or node.lineno, f"{module}:{qualname}"))
    return spans


def _innermost(spans: Sequence[tuple[int, int, str]], line: int) -> str | None:
    inside = [s for s in spans if s[0] <= line <= s[1]]
    return min(inside, key=lambda s: s[1] - s[0])[2] if inside else None


def diagnose(function: cst.FunctionDef, rules: Sequence[Rule], line: int) -> tuple[Diagnostic, ...]:
    """The rules' matches in one function, as diagnostics (at the function's line)."""
    return tuple(
        Diagnostic(rule.DIAGNOSTIC, line, f"{rule.NAME}: {rule.DESCRIPTION}")
        for rule in rules for _node in rule.matches(function)
    )


def find_targets(
    config: CrucibleConfig, kernel: KernelSpec, tree: Path, profile: Profile, rules: Sequence[Rule],
    specs: dict[str, ModuleSpecs], rejections: dict[str, list[str]], limit: int | None, wanted: frozenset[str] = frozenset(),
) -> list[Target]:
    """The functions most worth a proposer's attention: most time first, then most diagnostics
    (the first `limit`, or all of them); `wanted` addresses (a replay file's targets) are always
    included."""
    protected = protected_paths(config, kernel)
    protected_symbols = {s.key for s in kernel.protected_symbols}
    candidates = []
    for source in config.source:
        for relative in iter_files(tree, source):
            if not relative.endswith(".py") or any(relative == p or relative.startswith(p + "/") for p in protected):
                continue
            module = module_name_for(relative)
            if module is None:
                continue
            candidates += _module_targets(tree, relative, module, profile, rules, specs.get(module), rejections, protected_symbols)
    candidates.sort(key=lambda t: (-t.seconds, -len(t.diagnostics), t.address))
    ranked = [t for t in candidates if t.seconds > 0 or t.diagnostics][:limit]
    taken = {t.address for t in ranked}
    return ranked + [t for t in candidates if t.address in wanted and t.address not in taken]


def _module_targets(
    tree: Path, relative: str, module: str, profile: Profile, rules: Sequence[Rule], specs: ModuleSpecs | None,
    rejections: dict[str, list[str]], protected_symbols: set[str],
) -> list[Target]:
    try:
        parsed = cst.parse_module((tree / relative).read_bytes())
    except cst.ParserSyntaxError:
        return []
    lines = {q: n.lineno for q, n in function_index(ast.parse(parsed.code)).items()}
    found = []
    for qualname, function in _functions(parsed):
        address = f"{module}:{qualname}"
        if address in protected_symbols or any(address.startswith(p + ".") for p in protected_symbols):
            continue
        contract = specs.get(qualname) if specs is not None else None
        found.append(Target(
            module=module, qualname=qualname, path=relative, source=parsed.code_for_node(function),
            seconds=round(profile.seconds.get(address, 0.0), 6),
            diagnostics=diagnose(function, rules, lines.get(qualname, 0)),
            contract=contract.docstring if contract else "", rejections=tuple(rejections.get(address, [])[-3:]),
        ))
    return found


def _functions(module: cst.Module) -> list[tuple[str, cst.FunctionDef]]:
    found: list[tuple[str, cst.FunctionDef]] = []

    def walk(body: Sequence[cst.CSTNode], prefix: str) -> None:
        for statement in body:
            if isinstance(statement, cst.FunctionDef):
                found.append((prefix + statement.name.value, statement))
            elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
                walk(statement.body.body, f"{prefix}{statement.name.value}.")

    walk(module.body, "")
    return found
