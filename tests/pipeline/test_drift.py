"""`crucible drift`: the red-team suite under the locked toolchain and under the newest releases,
and the cases whose outcome differs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.commands.drift import compare_reports, outcomes
from pipeline.report.jsonl import VERDICTS, read_records
from tests.pipeline.report.conftest import record
from tests.support import crucible
from verifiers.base import GateResult, Outcome

OLD = (("python", "3.11.7"), ("crosshair-tool", "0.0.113"))
NEW = (("python", "3.11.7"), ("crosshair-tool", "0.0.114"))
PASSED = (GateResult("parse", Outcome.PASS, "ok"),)
CRASHED = (GateResult("parse", Outcome.PASS, "ok"),
           GateResult("equivalence", Outcome.ERROR, "worker crashed: CrossHairInternal: Possibly transient value"))


def test_only_cases_whose_verdict_or_stopping_gate_changed_are_reported() -> None:
    locked = [
        record("c-1", True, PASSED, proposer="redteam:benign-topo", toolchain=OLD),
        record("c-2", False, CRASHED, proposer="redteam:hang", summary="equivalence: unknown", toolchain=OLD),
        record("c-3", True, PASSED, proposer="redteam:same", toolchain=OLD),
        record("c-4", True, PASSED, proposer="gate", toolchain=OLD),  # not a red-team record
    ]
    newest = [
        record("c-1", False, CRASHED, proposer="redteam:benign-topo", summary="equivalence: error: worker crashed",
               toolchain=NEW),
        record("c-2", False, (*PASSED, GateResult("tests", Outcome.FAIL, "1 test broken")), proposer="redteam:hang",
               toolchain=NEW),
        record("c-3", True, PASSED, proposer="redteam:same", toolchain=NEW),
        record("c-5", True, PASSED, proposer="redteam:new-case", toolchain=NEW),
    ]
    drift = {d.case: d for d in compare_reports(locked, newest)}
    assert sorted(drift) == ["benign-topo", "hang", "new-case"]
    assert drift["benign-topo"].locked is not None and drift["benign-topo"].locked.verdict == "admitted"
    assert drift["benign-topo"].newest is not None and drift["benign-topo"].newest.verdict == "rejected at equivalence"
    assert drift["hang"].newest is not None and drift["hang"].newest.verdict == "rejected at tests"
    assert drift["new-case"].locked is None
    assert outcomes(newest)[1] == (NEW,)


def test_a_reused_baseline_of_the_whole_suite_is_compared_on_the_selected_cases_alone() -> None:
    locked = [record("c-1", True, PASSED, proposer="redteam:benign-topo", toolchain=OLD),
              record("c-2", False, CRASHED, proposer="redteam:hang", summary="equivalence: unknown", toolchain=OLD)]
    newest = [record("c-1", False, CRASHED, proposer="redteam:benign-topo", summary="equivalence: error", toolchain=NEW)]
    assert [d.case for d in compare_reports(locked, newest, only=["topo"])] == ["benign-topo"]
    assert [d.case for d in compare_reports(locked, newest)] == ["benign-topo", "hang"]  # the whole suite: hang not run


def test_a_baseline_that_is_not_a_report_is_bad_input(tmp_path: Path) -> None:
    run = crucible("drift", "--baseline", str(tmp_path), "--report-dir", str(tmp_path / "out"))
    assert run.code == 2
    assert f"--baseline {tmp_path}: no {VERDICTS} there" in run.stderr


@pytest.mark.slow
def test_drift_builds_the_newest_environment_and_compares_one_case_for_real(tmp_path: Path) -> None:
    """Network (the package index) and minutes: installs the newest releases the ranges allow."""
    report = tmp_path / "drift"
    run = crucible("drift", "--only", "triage-syntax-error-keyword-hits", "--jobs", "1", "--report-dir", str(report),
                   "--scratch", str(tmp_path / "venv"))
    assert run.code in (0, 1), run.stderr
    assert "locked: python" in run.stdout and "newest: python" in run.stdout
    locked, newest = read_records(report / "locked"), read_records(report / "newest")
    assert [r.proposer for r in locked] == [r.proposer for r in newest] == ["redteam:triage-syntax-error-keyword-hits"]
    newest_versions = dict(newest[0].toolchain)
    assert "absent" not in newest_versions.values()
    assert newest_versions["python"] == dict(locked[0].toolchain)["python"]
    # A syntax error is rejected at parse whatever the versions: the case cannot have drifted.
    assert "no case changed outcome (1 case(s) compared)" in run.stdout
