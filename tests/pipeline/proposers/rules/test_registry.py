"""The registry as a whole: well-formed rules, and real rewrites on the sample agents that keep
their test suites passing and their types checking."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import libcst as cst
import pytest

from pipeline.proposers.rules.base import Rule, RuleSkip
from pipeline.proposers.rules.registry import RULES
from tests.conftest import REPO
from verifiers.toolrun import run_tool

AGENTS = {"triage-agent": "triage", "data-cleaner": "cleaner", "tool-planner": "planner"}


def functions(body: Sequence[cst.BaseStatement], prefix: str = "") -> Iterator[tuple[str, cst.FunctionDef]]:
    for statement in body:
        if isinstance(statement, cst.FunctionDef):
            yield prefix + statement.name.value, statement
        elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            yield from functions(statement.body.body, f"{prefix}{statement.name.value}.")


def rewrites(rule: Rule, function: cst.FunctionDef) -> cst.FunctionDef | None:
    """The rule's rewrite, or None where the pattern does not occur or is refused (reported by
    `matches` all the same)."""
    if not rule.matches(function):
        return None
    result = rule.rewrite(function)
    if isinstance(result, RuleSkip):
        assert "internal error" not in result.reason, f"{rule.NAME}: {result.reason}"
        return None
    return result


def test_rules_are_well_formed() -> None:
    names = [rule.NAME for rule in RULES]
    assert len(names) == len(set(names)) >= 10
    for rule in RULES:
        assert rule.NAME and rule.DESCRIPTION and rule.DIAGNOSTIC, rule
    modules = {type(rule).__module__ for rule in RULES}
    assert len(modules) == len(RULES), "one rule per module"


@pytest.mark.parametrize("agent", AGENTS)
def test_rules_rewrite_each_corpus_agent(agent: str) -> None:
    package = REPO / "corpus" / agent / AGENTS[agent]
    found: list[str] = []
    for path in sorted(package.glob("*.py")):
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        for qualname, function in functions(module.body):
            for rule in RULES:
                if rewrites(rule, function) is not None:
                    found.append(f"{path.stem}.{qualname}: {rule.NAME}")
    print(f"\n{agent}: {len(found)} rewrites\n  " + "\n  ".join(found))
    assert len({f.split(":")[0] for f in found}) >= 3


@pytest.mark.parametrize("agent", AGENTS)
def test_corpus_rewrites_keep_tests_and_types(agent: str, tmp_path: Path) -> None:
    """Every rule, applied in registry order to every function it matches, all at once: the
    agent's own test suite still passes and mypy --strict still has nothing to say."""
    root = shutil.copytree(REPO / "corpus" / agent, tmp_path / agent)
    applied = 0
    for path in sorted((root / AGENTS[agent]).glob("*.py")):
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        replacements: dict[cst.CSTNode, cst.CSTNode] = {}
        for _, function in functions(module.body):
            current = function
            for rule in RULES:
                current = rewrites(rule, current) or current
            if current is not function:
                replacements[function] = current
                applied += 1
        path.write_text(module.visit(_Swap(replacements)).code, encoding="utf-8")
    assert applied >= 3
    tests = run_tool([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=root, timeout=120)
    assert tests.returncode == 0, tests.excerpt()
    types = run_tool([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy"), AGENTS[agent]], cwd=root, timeout=120)
    assert types.returncode == 0, types.excerpt()


class _Swap(cst.CSTTransformer):
    def __init__(self, replacements: dict[cst.CSTNode, cst.CSTNode]) -> None:
        super().__init__()
        self.replacements = replacements

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        new = self.replacements.get(original_node, updated_node)
        assert isinstance(new, cst.FunctionDef)
        return new


def _sources() -> list[Path]:
    """Crucible's orchestration code and the sample agents' sources: varied, real functions."""
    agents = [REPO / "corpus" / a / p for a, p in AGENTS.items()]
    return sorted(p for r in [REPO / "pipeline", *agents] for p in r.rglob("*.py"))


def test_rules_never_raise_and_always_compile() -> None:
    """Over a few hundred real functions: `matches` and `rewrite` return, no rule hits an
    internal error (which `rewrite` would turn into a skip, so a crash would otherwise go
    unseen), and whatever a rule rewrites compiles."""
    checked = 0
    for path in _sources():
        try:
            module = cst.parse_module(path.read_text(encoding="utf-8"))
        except cst.ParserSyntaxError:
            continue
        for _, function in functions(module.body):
            for rule in RULES:
                result = rule.rewrite(function)
                rule.matches(function)
                if isinstance(result, RuleSkip):
                    assert "internal error" not in result.reason, f"{path}: {result.reason}"
                else:
                    compile(cst.Module(body=[result]).code, f"{path}:{rule.NAME}", "exec")
                checked += 1
    assert checked > 2000
