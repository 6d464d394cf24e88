"""Gates 6-8 on real CrossHair, Z3 and pytest-benchmark, on the `formal` fixture (calc/core.py).

Each row is a variant of one function and the verdict it must get; the project's own tests pass
on every variant here, so only the formal gates stand between it and admission.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, VariantFactory
from tests.support import pytest_on_copy
from verifiers.tree import copy_tree
from verifiers.base import Budgets, Outcome, SkipReason, Strength
from verifiers.benchmarks import BenchmarkGate
from verifiers.contracts import ContractsGate
from verifiers.equivalence import EquivalenceGate

CORE = "calc/core.py"
SOURCE = (FIXTURES / "formal" / CORE).read_text()
# Small budgets: counterexamples come in well under a second; a hang is cut at the wall limit.
FAST = Budgets(search_seconds=2.0, function_seconds=12.0, benchmark_rounds=3)


def variant(old: str, new: str) -> dict[str, str | None]:
    assert old in SOURCE, old
    return {CORE: SOURCE.replace(old, new)}


UNIQUE_LOOP = "    seen: list[str] = []\n    for item in items:\n        if item not in seen:\n            seen.append(item)\n    return seen"
WINDOW = "    return [sum(values[i:i + k]) for i in range(len(values) - k + 1)]"
RUNNING = (
    "    if len(values) < k:\n        return []\n    total = sum(values[:k])\n    sums = [total]\n"
    "    for i in range(k, len(values)):\n        total += values[i] - values[i - k]\n        sums.append(total)\n    return sums"
)

EQUIVALENCE = [
    ("order lost", variant(UNIQUE_LOOP, "    return sorted(set(items))"), Outcome.FAIL, None),
    ("boundary shifted", variant("if score >= 80:", "if score > 80:"), Outcome.FAIL, None),
    ("exception type changed", variant("    ranked = sorted(items, key=lambda item: -item.score)\n    return ranked[0].name",
                                       "    return max(items, key=lambda item: item.score).name"), Outcome.FAIL, None),
    ("tie-break lost", variant("    ranked = sorted(items, key=lambda item: -item.score)\n    return ranked[0].name",
                               "    ranked = sorted(items, key=lambda item: -item.score, reverse=False)\n    return ranked[-1].name if len(ranked) > 1 and ranked[-1].score == ranked[0].score else ranked[0].name"),
     Outcome.FAIL, None),
    ("infinite loop on a rare path", variant('    """The index of `target`, or -1."""\n',
                                             '    """The index of `target`, or -1."""\n    if target == 7919 and len(items) == 2:\n        while True:\n            pass\n'),
     Outcome.UNKNOWN, None),
    ("public module state changed", variant("LIMIT = 100", "LIMIT = 99"), Outcome.FAIL, None),
    ("suffix anchor dropped: found on a word inside other text", variant('r"_id$"', 'r"_id"'), Outcome.FAIL, None),
    ("O(n^2) dedupe to dict.fromkeys", variant(UNIQUE_LOOP, "    return list(dict.fromkeys(items))"), Outcome.PASS, Strength.BOUNDED),
    ("window sums to running sums", variant(WINDOW, RUNNING), Outcome.PASS, Strength.BOUNDED),
    ("integer rewrite proved by Z3", variant("    if x < 0:\n        return 0\n    if x > LIMIT:\n        return LIMIT\n    return x",
                                             "    return min(max(x, 0), LIMIT)"), Outcome.PASS, Strength.PROVED),
    ("may-change function judged by its contract", variant("    return sorted(items)", "    return sorted(items, reverse=True)"), Outcome.PASS, None),
]


@pytest.mark.parametrize(("label", "edits", "expected", "strength"), EQUIVALENCE, ids=[r[0] for r in EQUIVALENCE])
def test_equivalence_gate(make_context: VariantFactory, tmp_path: Path, label: str, edits: dict[str, str | None],
                          expected: Outcome, strength: Strength | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no verdict from an earlier run
    result = EquivalenceGate().check(make_context(FIXTURES / "formal", edits, budgets=FAST))
    assert result.outcome is expected, result
    if strength is not None:
        assert result.strength is strength, result
    if expected is Outcome.FAIL and label != "public module state changed":
        failing = next(e for e in result.evidence if ": fail" in e.message)
        assert "input:" in failing.excerpt and "original:" in failing.excerpt and "variant:" in failing.excerpt


def test_preconditions_nothing_meets_leave_equivalence_unknown(make_context: VariantFactory, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """CrossHair counts an input a precondition turns away as a path on which both versions agree:
    a contract no input can meet must not make any variant "equivalent"."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project = copy_tree(FIXTURES / "formal", tmp_path / "unmeetable")
    spec = project / "specs" / "calc" / "core.py"
    spec.write_text(spec.read_text() + '\n\ndef window_sums(values: list[int], k: int) -> list[int]:\n'
                    '    """\n    pre: k < 0 < k\n    """\n    ...\n')
    off_by_one = variant(WINDOW, "    return [sum(values[i:i + k]) for i in range(len(values) - k)]")
    result = EquivalenceGate().check(make_context(project, off_by_one, budgets=FAST))
    assert result.outcome is Outcome.UNKNOWN, result
    assert "met the preconditions" in result.summary or any("met the preconditions" in e.message for e in result.evidence)


def test_equivalence_counterexample_is_a_test_that_fails_on_the_variant_only(make_context: VariantFactory, tmp_path: Path) -> None:
    edits = variant(UNIQUE_LOOP, "    return sorted(set(items))")
    result = EquivalenceGate().check(make_context(FIXTURES / "formal", edits, budgets=FAST))
    reproduction = next(e.reproduction for e in result.evidence if e.reproduction)
    assert reproduction is not None
    assert pytest_on_copy(FIXTURES / "formal", tmp_path / "original", reproduction, {}) == 0
    assert pytest_on_copy(FIXTURES / "formal", tmp_path / "variant", reproduction, edits) == 1


CONTRACTS = [
    ("clamp bound broken", variant("    if x > LIMIT:\n        return LIMIT\n", ""), Outcome.FAIL),
    ("may-change function breaking its contract", variant("    return sorted(items)", "    return sorted(set(items))"), Outcome.FAIL),
    ("dedupe keeps its contract", variant(UNIQUE_LOOP, "    return list(dict.fromkeys(items))"), Outcome.PASS),
    ("function without a contract", variant(WINDOW, RUNNING), Outcome.PASS),
]


@pytest.mark.parametrize(("label", "edits", "expected"), CONTRACTS, ids=[r[0] for r in CONTRACTS])
def test_contracts_gate(make_context: VariantFactory, tmp_path: Path, label: str, edits: dict[str, str | None],
                        expected: Outcome, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = ContractsGate().check(make_context(FIXTURES / "formal", edits, budgets=FAST))
    assert result.outcome is expected, result
    if expected is Outcome.FAIL:
        failing = next(e for e in result.evidence if ": fail" in e.message)
        assert "condition: post:" in failing.excerpt and failing.reproduction


def test_contract_counterexample_test_fails_on_the_variant(make_context: VariantFactory, tmp_path: Path) -> None:
    edits = variant("    if x > LIMIT:\n        return LIMIT\n", "")
    result = ContractsGate().check(make_context(FIXTURES / "formal", edits, budgets=FAST))
    reproduction = next(e.reproduction for e in result.evidence if e.reproduction)
    assert reproduction is not None
    assert pytest_on_copy(FIXTURES / "formal", tmp_path / "original", reproduction, {}) == 0
    assert pytest_on_copy(FIXTURES / "formal", tmp_path / "variant", reproduction, edits) == 1


def test_a_hang_is_unknown_and_costs_at_most_the_wall_limit(make_context: VariantFactory) -> None:
    edits = variant('    """The index of `target`, or -1."""\n', '    """The index of `target`, or -1."""\n    while True:\n        pass\n')
    result = EquivalenceGate().check(make_context(FIXTURES / "formal", edits, budgets=Budgets(search_seconds=2.0, function_seconds=5.0)))
    assert result.outcome is Outcome.UNKNOWN
    # Caught by a concrete call running past its limit, or else by the worker's wall clock.
    assert "runs past" in result.summary or "wall-clock limit" in result.summary, result.summary


BENCHMARKS = [
    ("quadratic dedupe made linear", variant(UNIQUE_LOOP, "    return list(dict.fromkeys(items))"), Outcome.PASS, True),
    ("window sums made linear", variant(WINDOW, RUNNING), Outcome.PASS, True),
    # Sorting the list on every item: about half the speed (×0.54 measured), clear of load on the machine.
    ("slower variant", variant("        if item not in seen:\n", "        if item not in seen and item not in sorted(seen):\n"), Outcome.FAIL, False),
]


@pytest.mark.parametrize(("label", "edits", "expected", "faster"), BENCHMARKS, ids=[r[0] for r in BENCHMARKS])
def test_benchmark_gate(make_context: VariantFactory, label: str, edits: dict[str, str | None], expected: Outcome, faster: bool) -> None:
    result = BenchmarkGate().check(make_context(FIXTURES / "formal", edits, budgets=FAST))
    assert result.outcome is expected, result
    assert (result.speedup is not None and result.speedup > 1.5) is faster, result
    assert all(dict(e.data).keys() >= {"speedup", "low", "high"} for e in result.evidence)
    # A slowdown is measured again before it rejects; a real one survives both sessions.
    assert ("measured twice" in result.summary) is (expected is Outcome.FAIL), result.summary


def test_benchmarks_that_cannot_run_on_the_original_are_an_error_not_a_pass(make_context: VariantFactory, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Which benchmarks reach the change is read from a recorded run: if that run fails, nothing
    is known, and "no benchmark reaches it" must not be assumed."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project = copy_tree(FIXTURES / "formal", tmp_path / "broken-benchmarks")
    bench = project / "benchmarks" / "bench_core.py"
    bench.write_text(bench.read_text() + "\nraise RuntimeError('benchmark setup is broken')\n")
    result = BenchmarkGate().check(make_context(project, variant(UNIQUE_LOOP, "    return list(dict.fromkeys(items))"), budgets=FAST))
    assert result.outcome is Outcome.ERROR, result
    assert "recorded run" in result.summary and "failed" in result.summary


def test_benchmarks_not_configured_is_a_waivable_skip(make_context: VariantFactory, tiny: Path) -> None:
    result = BenchmarkGate().check(make_context(tiny, {"agent/extra.py": "X = 1\n"}))
    assert result.outcome is Outcome.SKIPPED and result.skip_reason is SkipReason.NOT_CONFIGURED
    assert "not a rejection" in result.summary
