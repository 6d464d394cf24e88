"""The equivalence gate on code without annotations (the `untyped` fixture, written like many
libraries): CrossHair cannot build inputs, so the inputs the original receives in the project's
own tests are recorded and replayed, types are inferred from them for random and symbolic
inputs, results that are iterators are compared by what they yield, and a change that no
compared input runs is left unknown (rejected), never passed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, VariantFactory
from tests.support import pytest_on_copy
from verifiers.base import Budgets, Outcome, Strength
from verifiers.equivalence import EquivalenceGate
from verifiers.tree import copy_tree

MODULE = "seqtools/__init__.py"
SOURCE = (FIXTURES / "untyped" / MODULE).read_text()
FAST = Budgets(search_seconds=2.0, function_seconds=12.0)


def variant(old: str, new: str) -> dict[str, str | None]:
    assert old in SOURCE, old
    return {MODULE: SOURCE.replace(old, new)}


ROWS = [
    # (label, edits, outcome, strength, words in the summary)
    ("dedupe rewritten, reached by recorded inputs",
     variant("    seen = []\n    for item in items:\n        if item not in seen:\n            seen.append(item)\n    return seen",
             "    return list(dict.fromkeys(items))"), Outcome.PASS, Strength.BOUNDED, "every changed line ran"),
    ("a generator that yields one pair fewer", variant("        if index:", "        if index > 1:"),
     Outcome.FAIL, None, "different behaviour"),
    # Over zip and a slice: the same pairs for the lists the tests pass, but a one-shot iterator
    # (a caller's generator) cannot be sliced — found by a mutation of the recorded input.
    ("a generator rewritten over zip and a slice",
     variant("    previous = None\n    for index, item in enumerate(items):\n        if index:\n            yield previous, item\n        previous = item",
             "    yield from zip(items, items[1:])"), Outcome.FAIL, None, "different behaviour on an edge-case input"),
    ("a generator rewritten with itertools.pairwise, same pairs for any iterable",
     {MODULE: "import itertools\n" + SOURCE.replace(
         "    previous = None\n    for index, item in enumerate(items):\n        if index:\n            yield previous, item\n        previous = item",
         "    yield from itertools.pairwise(items)")}, Outcome.PASS, Strength.BOUNDED, "every changed line ran"),
    ("a branch no test reaches (key is never passed)", variant("return min(items, key=key)", "return max(items, key=key)"),
     Outcome.UNKNOWN, None, "no compared input runs the changed line"),
]


@pytest.mark.parametrize(("label", "edits", "expected", "strength", "words"), ROWS, ids=[r[0] for r in ROWS])
def test_untyped_equivalence(make_context: VariantFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, label: str,
                             edits: dict[str, str | None], expected: Outcome, strength: Strength | None, words: str) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = EquivalenceGate().check(make_context(FIXTURES / "untyped", edits, budgets=FAST))
    assert result.outcome is expected, result
    assert strength is None or result.strength is strength, result
    assert any(words in e.message or words in e.excerpt for e in result.evidence) or words in result.summary, result


def test_a_generator_counterexample_is_a_test_that_fails_on_the_variant_only(make_context: VariantFactory, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    edits = variant("        if index:", "        if index > 1:")
    result = EquivalenceGate().check(make_context(FIXTURES / "untyped", edits, budgets=FAST))
    reproduction = next(e.reproduction for e in result.evidence if e.reproduction)
    assert reproduction is not None and "list(_module.pairs(" in reproduction
    assert pytest_on_copy(FIXTURES / "untyped", tmp_path / "original", reproduction, {}) == 0
    assert pytest_on_copy(FIXTURES / "untyped", tmp_path / "variant", reproduction, edits) == 1


def test_recorded_inputs_the_original_is_too_slow_on_vouch_for_nothing(make_context: VariantFactory, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A recorded input on which the original runs past the per-call limit is skipped, not
    counted: when every recorded input is skipped, nothing was compared, and that is unknown."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project = copy_tree(FIXTURES / "untyped", tmp_path / "slow")
    # Slow on every input, so on every mutation of the recorded one too.
    spin = "def spin(items):\n    total = 0\n    for _ in range(60_000_000):\n        total += 1\n    return total + len(items)\n"
    (project / MODULE).write_text(SOURCE + "\n\n" + spin)
    (project / "tests" / "test_spin.py").write_text(
        "from seqtools import spin\n\n\ndef test_spin() -> None:\n    assert spin([1]) == 60_000_001\n")
    edits = {MODULE: SOURCE + "\n\n" + spin.replace("    total = 0\n    for _ in range(60_000_000):\n        total += 1\n    return total + len(items)\n",
                                                    "    return 60_000_000 + len(items)\n")}
    result = EquivalenceGate().check(make_context(project, edits, budgets=FAST))
    assert result.outcome is Outcome.UNKNOWN, result
    assert any("could be compared" in e.message for e in result.evidence) or "could be compared" in result.summary, result
