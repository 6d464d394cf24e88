"""Nondeterminism is controlled, not mistaken for a difference: `random` is seeded alike for the
same input in both processes, and a difference the original shows against itself in a second run
(time, process state) is reported as nondeterministic — unknown, never a counterexample."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, VariantFactory
from verifiers.base import Budgets, Outcome
from verifiers.equivalence import EquivalenceGate
from verifiers.tree import copy_tree

CORE = "calc/core.py"
EXTRA = '''

def pick(values: list[int]) -> int:
    """A random one of the values (0 for none)."""
    if not values:
        return 0
    return random.choice(values)


def stamp(value: int) -> int:
    """The value, plus a jitter from the clock."""
    return value + time.perf_counter_ns() % 1000
'''
FAST = Budgets(search_seconds=1.0, function_seconds=20.0)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_tree(FIXTURES / "formal", tmp_path / "formal")
    source = (root / CORE).read_text().replace("import re\n", "import random\nimport re\nimport time\n", 1)
    (root / CORE).write_text(source + EXTRA)
    return root


ROWS = [
    ("random drawn the same way: equal", "    if not values:\n        return 0\n    return random.choice(values)",
     "    return random.choice(values) if values else 0", Outcome.PASS, "equivalent"),
    ("random drawn differently: a real difference", "    if not values:\n        return 0\n    return random.choice(values)",
     "    if not values:\n        return 0\n    return random.choice(sorted(values, reverse=True))", Outcome.FAIL, "different behaviour"),
    ("the clock: the original differs from itself", "    return value + time.perf_counter_ns() % 1000",
     "    return time.perf_counter_ns() % 1000 + value", Outcome.UNKNOWN, "nondeterministic"),
]


@pytest.mark.parametrize(("label", "old", "new", "expected", "words"), ROWS, ids=[r[0] for r in ROWS])
def test_nondeterminism_is_controlled_or_reported(
    make_context: VariantFactory, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    label: str, old: str, new: str, expected: Outcome, words: str,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = (project / CORE).read_text()
    assert old in source
    result = EquivalenceGate().check(make_context(project, {CORE: source.replace(old, new)}, budgets=FAST))
    assert result.outcome is expected, result
    assert words in result.summary, result.summary
