"""Inputs with the less common protocols, and inputs the original itself is unstable on: the
equivalence gate on real-library bugs (toolz, more-itertools) that the lists and ints a suite
passes never show. Each row: a function as a library wrote it, the change, and the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, VariantFactory
from verifiers.base import Budgets, Outcome
from verifiers.equivalence import EquivalenceGate
from verifiers.tree import copy_tree

MODULE = "seqtools/protocols.py"
FAST = Budgets(search_seconds=2.0, function_seconds=12.0)
SOURCE = '''"""Helpers as libraries write them: no annotations (but one)."""

from typing import TypeVar

T = TypeVar("T")


def is_iterable(x):
    try:
        iter(x)
        return True
    except TypeError:
        return False


def last(items):
    try:
        return next(reversed(items))
    except (TypeError, StopIteration):
        pass
    result = None
    for result in items:
        pass
    return result


def merged(first, second):
    result = dict(first)
    result.update(second)
    return result


def smallest(items):
    return min(items)


def latest(times: list[int]) -> int:
    return sorted(times)[-1]


def exactly(items, n, predicate=bool):
    if n < 0:
        return False
    return len([item for item in items if predicate(item)][: n + 1]) == n


def positions(items, value, start=0):
    if start < 0:
        items = list(items)
        start = max(len(items) + start, 0)
    return [i for i, item in enumerate(items) if item == value and i >= start]


class Thing:
    pass


class Pipeline:
    def __init__(self, *steps):
        if len(steps) == 1 and not callable(steps[0]):
            steps = steps[0]
        self.steps = tuple(steps)

    def __call__(self, value):
        for step in self.steps:
            value = step(value)
        return value


def label(value):
    return "<" + str(value) + ">"


def first_or(items: list[int], default: T) -> int | T:
    if items:
        return items[0]
    return default
'''
TESTS = '''from seqtools.protocols import Pipeline, Thing, exactly, first_or, is_iterable, label, last, latest, merged, positions, smallest


def test_protocols() -> None:
    assert is_iterable([1, 2]) and not is_iterable(3)
    assert last([1, 2, 3]) == 3
    assert merged({1: 1}, {2: 2}) == {1: 1, 2: 2}
    assert smallest([1, 3, 2]) == 1
    assert latest([3, 5, 4]) == 5
    assert exactly([1, 0], 1) and not exactly([1, 0, 1], 1)
    assert positions([1, 2, 1], 1, 1) == [2]
    assert [label(v) for v in (5, "a", [1], 2.5)] == ["<5>", "<a>", "<[1]>", "<2.5>"]
    assert label(Thing()).startswith("<<")
    assert Pipeline(abs, str)(-3) == "3"
    assert first_or([], 4) == 4
'''


def change(old: str, new: str) -> dict[str, str | None]:
    assert old in SOURCE, old
    return {MODULE: SOURCE.replace(old, new)}


ROWS = [
    # (label, edits, outcome, words in the summary)
    ("iterable by hasattr: misses a class iterable by __getitem__ only",
     change("    try:\n        iter(x)\n        return True\n    except TypeError:\n        return False",
            "    return hasattr(x, '__iter__')"), Outcome.FAIL, "different behaviour on an edge-case input"),
    ("reversed() called outside the try: a list whose class opts out of reversed()",
     change("    try:\n        return next(reversed(items))\n    except (TypeError, StopIteration):\n        pass",
            "    if hasattr(items, '__reversed__'):\n        for result in reversed(items):\n            return result\n        return None"),
     Outcome.FAIL, "different behaviour on an edge-case input"),
    ("dict.copy() instead of dict(): a mapping that is not a dict",
     change("    result = dict(first)", "    result = first.copy()"), Outcome.FAIL, "different behaviour on an edge-case input"),
    ("the last of equal minima instead of the first (1 and 1.0)",
     change("    return min(items)", "    best = items[0]\n    for item in items:\n        if item <= best:\n            best = item\n    return best"),
     Outcome.FAIL, "different behaviour on an edge-case input"),
    ("list[int] promises reversed() and holds no 1.0: max of the reversed list is the same",
     change("    return sorted(times)[-1]", "    return max(reversed(times)) if times else sorted(times)[-1]"), Outcome.PASS, "equivalent"),
    ("a guard for negative counts dropped",
     change("    if n < 0:\n        return False\n    return len([item for item in items if predicate(item)][: n + 1]) == n",
            "    import itertools\n    return len(list(itertools.islice(filter(predicate, items), n + 1))) == n"),
     Outcome.FAIL, "different behaviour on an edge-case input"),
    ("len() of what may be a one-shot iterator, on a negative start only",
     change("        items = list(items)\n        start", "        start"), Outcome.FAIL, "different behaviour on an edge-case input"),
    ("same text, built another way; one recorded input shows its own address",
     change('    return "<" + str(value) + ">"', '    return f"<{value}>"'), Outcome.PASS,
     "left out: the original itself answers differently on them in two runs"),
    ("a constructor keeps the iterable it was given (a generator is spent after one call)",
     change("        self.steps = tuple(steps)", "        self.steps = steps"), Outcome.FAIL, "different behaviour on an edge-case input"),
    ("a constructor builds the same tuple another way", change("        self.steps = tuple(steps)", "        self.steps = (*steps,)"),
     Outcome.PASS, "every changed line ran"),
    ("a real difference beside the unstable input", change('    return "<" + str(value) + ">"', '    return f"<{value!r}>"'),
     Outcome.FAIL, "different behaviour"),
    # CrossHair draws a generator for T and hands both versions the same one: the second finds it
    # spent. Its "difference" is its own (the original, run twice on one shared generator, answers
    # differently too), so the separated runs' agreement stands, sampled — never bounded.
    ("a TypeVar default returned as it came, when CrossHair draws a generator for it",
     change("    if items:\n        return items[0]\n    return default", "    return items[0] if items else default"),
     Outcome.PASS, "two calls share one generator argument"),
    # A variant that differs only on such an argument: the replay hands each version its own
    # iterator over a few items, and the difference shows there.
    ("a generator default has its first item taken", change("    if items:\n        return items[0]\n    return default",
     "    if items:\n        return items[0]\n    if hasattr(default, '__next__'):\n        next(default, None)\n    return default"),
     Outcome.FAIL, "different behaviour"),
    ("the same shape, a real difference", change("    if items:\n        return items[0]\n    return default",
                                                 "    return items[-1] if items else default"), Outcome.FAIL, "different behaviour"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_tree(FIXTURES / "untyped", tmp_path_factory.mktemp("protocols") / "project")
    (root / MODULE).write_text(SOURCE)
    (root / "tests" / "test_protocols.py").write_text(TESTS)
    return root


@pytest.mark.parametrize(("label", "edits", "expected", "words"), ROWS, ids=[r[0] for r in ROWS])
def test_unusual_inputs(make_context: VariantFactory, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        label: str, edits: dict[str, str | None], expected: Outcome, words: str) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = EquivalenceGate().check(make_context(project, edits, budgets=FAST))
    assert result.outcome is expected, result
    assert any(words in e.message for e in result.evidence) or words in result.summary, result
