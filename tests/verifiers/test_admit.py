"""The admission rule and the gate runner: only pass admits; escapes become `error`."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import VariantFactory
from verifiers import rule
from verifiers.admit import admit
from verifiers.registry import GATE_NAMES
from verifiers.base import GateContext, GateResult, Outcome, SkipReason
from verifiers.runner import run_gates

REQUIRED = rule.REQUIRED_GATES


def result(gate: str, outcome: Outcome, reason: SkipReason | None = None) -> GateResult:
    return GateResult(gate, outcome, "", skip_reason=reason)


def verdicts(**changed: tuple[Outcome, SkipReason | None]) -> list[GateResult]:
    """Every required gate passing, except those named."""
    return [result(g, *changed.get(g, (Outcome.PASS, None))) for g in REQUIRED]


ADMISSION = [
    ("all pass", verdicts(), True),
    ("a fail", verdicts(tests=(Outcome.FAIL, None)), False),
    ("unknown never admits", verdicts(equivalence=(Outcome.UNKNOWN, None)), False),
    ("error never admits", verdicts(parse=(Outcome.ERROR, None)), False),
    ("benchmarks not configured is waived", verdicts(benchmarks=(Outcome.SKIPPED, SkipReason.NOT_CONFIGURED)), True),
    ("benchmarks skipped for another reason", verdicts(benchmarks=(Outcome.SKIPPED, SkipReason.NOT_RUN)), False),
    ("another gate skipped as not configured", verdicts(contracts=(Outcome.SKIPPED, SkipReason.NOT_CONFIGURED)), False),
    ("a gate missing", verdicts()[:-1], False),
    ("only the structural gates", verdicts()[:5], False),
]


@pytest.mark.parametrize(("label", "results", "admitted"), ADMISSION, ids=[a[0] for a in ADMISSION])
def test_admission_rule(label: str, results: list[GateResult], admitted: bool) -> None:
    assert admit(results).admitted is admitted


def test_a_missing_gate_is_named() -> None:
    decision = admit(verdicts()[:-1])
    assert decision.reason == "benchmarks: no verdict (gate missing)"


def test_the_rule_requires_every_gate_of_the_registry_in_order() -> None:
    assert rule.REQUIRED_GATES == GATE_NAMES


class Crashing:
    NAME: ClassVar[str] = "crashing"
    DESCRIPTION: ClassVar[str] = "raises"

    def check(self, ctx: GateContext) -> GateResult:
        raise RuntimeError("boom")


class Tampering:
    NAME: ClassVar[str] = "tampering"
    DESCRIPTION: ClassVar[str] = "writes into the variant copy and claims a pass"

    def check(self, ctx: GateContext) -> GateResult:
        (ctx.variant.root / "agent" / "core.py").write_text("# replaced\n")
        return GateResult(self.NAME, Outcome.PASS, "all good")


class Passing:
    NAME: ClassVar[str] = "passing"
    DESCRIPTION: ClassVar[str] = "passes"

    def check(self, ctx: GateContext) -> GateResult:
        return GateResult(self.NAME, Outcome.PASS, "ok")


def test_runner_turns_a_crash_into_error_and_stops(make_context: VariantFactory, tiny: Path) -> None:
    results = run_gates(make_context(tiny, {"agent/x.py": "X = 1\n"}), [Crashing(), Passing()])
    assert [r.outcome for r in results] == [Outcome.ERROR, Outcome.SKIPPED]
    assert "boom" in results[0].summary and results[1].skip_reason is SkipReason.NOT_RUN


def test_runner_all_gates_keeps_going(make_context: VariantFactory, tiny: Path) -> None:
    results = run_gates(make_context(tiny, {"agent/x.py": "X = 1\n"}), [Crashing(), Passing()], all_gates=True)
    assert [r.outcome for r in results] == [Outcome.ERROR, Outcome.PASS]


def test_runner_catches_a_gate_that_changes_the_workspace(make_context: VariantFactory, tiny: Path) -> None:
    (result_,) = run_gates(make_context(tiny, {"agent/x.py": "X = 1\n"}), [Tampering()])
    assert result_.outcome is Outcome.ERROR
    assert "variant copy: agent/core.py" in result_.evidence[0].message


class Signalling:
    NAME: ClassVar[str] = "signalling"
    DESCRIPTION: ClassVar[str] = "says it has started"

    def __init__(self, started: threading.Event) -> None:
        self.started = started

    def check(self, ctx: GateContext) -> GateResult:
        self.started.set()
        return GateResult(self.NAME, Outcome.PASS, "ok")


class Waiting:
    NAME: ClassVar[str] = "waiting"
    DESCRIPTION: ClassVar[str] = "passes only if the signalling gate starts while it runs"

    def __init__(self, started: threading.Event, seconds: float) -> None:
        self.started, self.seconds = started, seconds

    def check(self, ctx: GateContext) -> GateResult:
        beside = self.started.wait(self.seconds)
        return GateResult(self.NAME, Outcome.PASS if beside else Outcome.FAIL, "beside" if beside else "alone")


@pytest.mark.parametrize(("ahead", "seconds", "expected"), [
    (frozenset({"signalling"}), 60.0, [Outcome.PASS, Outcome.PASS]),
    (frozenset(), 0.5, [Outcome.FAIL, Outcome.SKIPPED]),
], ids=["run ahead: beside the earlier gate", "in turn: after it"])
def test_a_gate_run_ahead_starts_beside_the_earlier_ones(make_context: VariantFactory, tiny: Path, ahead: frozenset[str],
                                                         seconds: float, expected: list[Outcome]) -> None:
    started = threading.Event()
    results = run_gates(make_context(tiny, {"agent/x.py": "X = 1\n"}), [Waiting(started, seconds), Signalling(started)],
                        ahead=ahead)
    assert [r.gate for r in results] == ["waiting", "signalling"]
    assert [r.outcome for r in results] == expected


def test_a_gate_run_ahead_counts_for_nothing_after_an_earlier_rejection(make_context: VariantFactory, tiny: Path) -> None:
    results = run_gates(make_context(tiny, {"agent/x.py": "X = 1\n"}), [Crashing(), Passing()], ahead=frozenset({"passing"}))
    assert [r.outcome for r in results] == [Outcome.ERROR, Outcome.SKIPPED]
    assert results[1].skip_reason is SkipReason.NOT_RUN and "ran ahead" in results[1].summary
