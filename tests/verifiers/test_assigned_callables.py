"""Functions the syntax does not show as a top-level `def` are still compared by behaviour: a
name bound to a lambda or a partial, a `def` under a module-level `if`. Their value alone
("a function") says nothing, so before they passed as unchanged module state."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, VariantFactory
from verifiers.base import Budgets, Outcome
from verifiers.equivalence import EquivalenceGate
from verifiers.tree import copy_tree

MODULE = "seqtools/__init__.py"
EXTRA = '''
import functools

double = lambda x: x * 2  # noqa: E731

if True:
    def head(items):
        return items[0]
else:
    def head(items):
        return items[-1]

largest = functools.partial(max, default=0)
'''
TESTS = '''from seqtools import double, head, largest


def test_extra() -> None:
    assert double(4) == 8
    assert head([1, 2]) == 1
    assert largest([1, 5]) == 5
'''
FAST = Budgets(search_seconds=2.0, function_seconds=12.0)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_tree(FIXTURES / "untyped", tmp_path / "untyped")
    (root / MODULE).write_text((root / MODULE).read_text() + EXTRA)
    (root / "tests" / "test_extra.py").write_text(TESTS)
    return root


ROWS = [
    ("a lambda rewritten, same results", "double = lambda x: x * 2", "double = lambda x: x + x", Outcome.PASS),
    ("a lambda that triples", "double = lambda x: x * 2", "double = lambda x: x * 3", Outcome.FAIL),
    ("a def under `if` rewritten, same results", "    def head(items):\n        return items[0]\nelse:",
     "    def head(items):\n        return items[:1][0]\nelse:", Outcome.PASS),
    ("a def under `if` that takes the last item", "    def head(items):\n        return items[0]\nelse:",
     "    def head(items):\n        return items[1]\nelse:", Outcome.FAIL),
    ("a partial of another function: nothing to replay, so not vouched for",
     "functools.partial(max, default=0)", "functools.partial(min, default=0)", Outcome.UNKNOWN),
]


@pytest.mark.parametrize(("label", "old", "new", "expected"), ROWS, ids=[r[0] for r in ROWS])
def test_functions_bound_without_a_top_level_def_are_compared(
    make_context: VariantFactory, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    label: str, old: str, new: str, expected: Outcome,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = (project / MODULE).read_text()
    assert old in source
    result = EquivalenceGate().check(make_context(project, {MODULE: source.replace(old, new)}, budgets=FAST))
    assert result.outcome is expected, result
