"""A function that hands out its own container: a caller that changes the result it was given
changes what the next call returns. Equal results on each call hide it; calling again after the
caller's change shows it, and the counterexample test reproduces it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, VariantFactory
from tests.support import pytest_on_copy
from verifiers.base import Budgets, Outcome
from verifiers.equivalence import EquivalenceGate
from verifiers.tree import copy_tree

CORE = "calc/core.py"
EXTRA = '''

def labels(count: int) -> list[str]:
    """`count` labels, a fresh list each time."""
    return [f"l{i}" for i in range(count)]
'''
FAST = Budgets(search_seconds=1.0, function_seconds=20.0)
CACHED = '''

@functools.cache
def labels(count: int) -> list[str]:
    """`count` labels, a fresh list each time."""
    return [f"l{i}" for i in range(count)]
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_tree(FIXTURES / "formal", tmp_path / "formal")
    source = (root / CORE).read_text().replace("import re\n", "import functools\nimport re\n", 1)
    (root / CORE).write_text(source + EXTRA)
    return root


def test_a_cached_list_handed_to_callers_is_a_difference(make_context: VariantFactory, project: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = (project / CORE).read_text()
    variant = source.replace(EXTRA, CACHED)
    result = EquivalenceGate().check(make_context(project, {CORE: variant}, budgets=FAST))
    assert result.outcome is Outcome.FAIL, result
    found = next(e for e in result.evidence if e.rule == "labels")
    assert "it sees the caller's change" in found.excerpt and "it does not see the caller's change" in found.excerpt
    assert found.reproduction is not None
    # The generated test passes on the original and fails on the variant.
    assert pytest_on_copy(project, tmp_path / "on-original", found.reproduction, {}) == 0
    assert pytest_on_copy(project, tmp_path / "on-variant", found.reproduction, {CORE: variant}) == 1


def test_a_fresh_container_each_time_is_not_a_difference(make_context: VariantFactory, project: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = (project / CORE).read_text()
    variant = source.replace('return [f"l{i}" for i in range(count)]', "return list(map(\"l{}\".format, range(count)))")
    result = EquivalenceGate().check(make_context(project, {CORE: variant}, budgets=FAST))
    assert result.outcome is Outcome.PASS, result
