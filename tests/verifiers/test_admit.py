"""The admission rule and the gate runner: only pass admits; escapes become `error`."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import VariantFactory
from verifiers.admit import admit
from verifiers.base import GateContext, GateResult, Outcome, SkipReason
from verifiers.runner import run_gates

REQUIRED = ("parse", "tests", "benchmarks")


def result(gate: str, outcome: Outcome, reason: SkipReason | None = None) -> GateResult:
    return GateResult(gate, outcome, "", skip_reason=reason)


ADMISSION = [
    ("all pass", [Outcome.PASS, Outcome.PASS, Outcome.PASS], None, True),
    ("a fail", [Outcome.PASS, Outcome.FAIL, Outcome.PASS], None, False),
    ("unknown never admits", [Outcome.PASS, Outcome.UNKNOWN, Outcome.PASS], None, False),
    ("error never admits", [Outcome.ERROR, Outcome.PASS, Outcome.PASS], None, False),
    ("benchmarks not configured is waived", [Outcome.PASS, Outcome.PASS, Outcome.SKIPPED], SkipReason.NOT_CONFIGURED, True),
    ("benchmarks skipped for another reason", [Outcome.PASS, Outcome.PASS, Outcome.SKIPPED], SkipReason.NOT_RUN, False),
]


@pytest.mark.parametrize(("label", "outcomes", "reason", "admitted"), ADMISSION, ids=[a[0] for a in ADMISSION])
def test_admission_rule(label: str, outcomes: list[Outcome], reason: SkipReason | None, admitted: bool) -> None:
    results = [result(g, o, reason if o is Outcome.SKIPPED else None) for g, o in zip(REQUIRED, outcomes)]
    assert admit(results, REQUIRED).admitted is admitted


def test_a_skipped_gate_other_than_benchmarks_is_never_waived() -> None:
    results = [result("parse", Outcome.SKIPPED, SkipReason.NOT_CONFIGURED), result("tests", Outcome.PASS), result("benchmarks", Outcome.PASS)]
    assert not admit(results, REQUIRED).admitted


def test_a_missing_gate_rejects() -> None:
    decision = admit([result("parse", Outcome.PASS), result("tests", Outcome.PASS)], REQUIRED)
    assert not decision.admitted and "benchmarks" in decision.reason


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
