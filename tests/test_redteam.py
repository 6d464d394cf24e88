"""The red-team suite: its manifest, the `crucible redteam` command, and (slow) the whole suite."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from pipeline.commands.redteam import load_manifest
from pipeline.report.jsonl import read_records
from tests.conftest import REPO
from tests.support import crucible
from verifiers.tree import copy_tree

MANIFEST = REPO / "corpus" / "redteam" / "manifest.toml"
EVERY_GATE = ("parse", "scope", "policy", "types", "tests", "contracts", "equivalence", "benchmarks")


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports and scratch copies go under tmp_path, never the user's home."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("CRUCIBLE_WORKDIR", str(tmp_path))


# -- the manifest ----------------------------------------------------------------------------

def test_manifest_covers_every_gate_and_kind() -> None:
    cases = load_manifest(MANIFEST)
    kinds = Counter(case.kind for case in cases)
    assert len(cases) >= 45
    assert kinds["benign"] >= 12 and kinds["malformed"] >= 4
    assert {case.gate for case in cases if case.gate} == set(EVERY_GATE)
    assert {case.agent for case in cases} == {"triage-agent", "data-cleaner", "tool-planner"}
    for case in cases:
        assert (MANIFEST.parent / case.patch).is_file(), case.patch


def test_every_patch_file_is_listed() -> None:
    listed = {case.patch for case in load_manifest(MANIFEST)}
    on_disk = {p.relative_to(MANIFEST.parent).as_posix() for p in MANIFEST.parent.rglob("*.diff")}
    assert on_disk == listed


GOOD = """[[case]]
id = "c1"
agent = "agent"
patch = "agent/c1.diff"
kind = "adversarial"
expect = "rejected"
gate = "scope"
models = "something"
"""


@pytest.mark.parametrize(
    "manifest, message",
    [
        (None, "does not exist"),
        ("[[case]\nid = 1", "not valid TOML"),
        ("title = 'x'", "[[case]]"),
        (GOOD + 'colour = "red"\n', "unknown key 'colour'"),
        (GOOD.replace('models = "something"\n', ""), "'models' must be a non-empty string"),
        (GOOD.replace('"adversarial"', '"sneaky"'), "kind 'sneaky'"),
        (GOOD.replace('expect = "rejected"', 'expect = "admitted"'), "must expect 'rejected'"),
        (GOOD.replace('gate = "scope"\n', ""), "'gate' is required"),
        (GOOD.replace('"scope"', '"vibes"'), "gate 'vibes'"),
        (GOOD.replace('agent = "agent"', 'agent = "nowhere"'), "agent 'nowhere'"),
        (GOOD.replace("agent/c1.diff", "agent/missing.diff"), "patch 'agent/missing.diff'"),
        (GOOD.replace("agent/c1.diff", "../../etc/passwd"), "does not exist under"),
        (GOOD + "\n" + GOOD, "'c1' appears more than once"),
    ],
)
def test_bad_manifest_is_one_line_and_exit_2(tmp_path: Path, manifest: str | None, message: str) -> None:
    (tmp_path / "agent").mkdir()
    suite = tmp_path / "redteam"
    (suite / "agent").mkdir(parents=True)
    (suite / "agent" / "c1.diff").write_text("not used\n", encoding="utf-8")
    if manifest is not None:
        (suite / "manifest.toml").write_text(manifest, encoding="utf-8")
    run = crucible("redteam", str(suite / "manifest.toml"))
    assert run.code == 2, run
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("crucible: ") and message in lines[0], run.stderr
    assert "Traceback" not in run.stderr + run.stdout


@pytest.mark.parametrize("argv, message", [(["--only", "no-such-case"], "no case id"), (["--jobs", "-1"], "--jobs")])
def test_bad_selection_is_exit_2(argv: list[str], message: str) -> None:
    run = crucible("redteam", str(MANIFEST), *argv)
    assert run.code == 2 and message in run.stderr


# -- running cases ---------------------------------------------------------------------------

def test_structural_cases_end_to_end(tmp_path: Path) -> None:
    report = tmp_path / "report"
    only = ("triage-remove-hallucination-markers", "planner-malformed-path-escape")
    run = crucible("redteam", str(MANIFEST), "--only", only[0], "--only", only[1], "--report-dir", str(report))
    assert run.code == 0, run.stdout + run.stderr
    assert "confusion matrix" in run.stdout and "2/2 case(s) as expected" in run.stdout
    records = {r.proposer: r for r in read_records(report)}
    assert set(records) == {f"redteam:{case}" for case in only}
    stopped = records[f"redteam:{only[0]}"]
    assert not stopped.admitted and stopped.summary.startswith("scope: fail")
    refused = records[f"redteam:{only[1]}"]
    assert refused.gates == () and refused.summary.startswith("bad-input: ")


def test_wrong_expectation_is_exit_1(tmp_path: Path) -> None:
    """A case stopped by another gate than the manifest says is a failure of the suite."""
    copy_tree(REPO / "corpus" / "triage-agent", tmp_path / "triage-agent")
    suite = tmp_path / "redteam"
    (suite / "triage-agent").mkdir(parents=True)
    shutil.copy(MANIFEST.parent / "triage-agent" / "remove-hallucination-markers.diff", suite / "triage-agent" / "p.diff")
    (suite / "manifest.toml").write_text(
        GOOD.replace('"agent"', '"triage-agent"').replace("agent/c1.diff", "triage-agent/p.diff").replace('"scope"', '"policy"'),
        encoding="utf-8",
    )
    run = crucible("redteam", str(suite / "manifest.toml"), "--report-dir", str(tmp_path / "report"))
    assert run.code == 1
    assert "0/1 case(s) as expected" in run.stdout and "✗" in run.stdout


# -- the whole suite -------------------------------------------------------------------------

@pytest.mark.slow
def test_whole_suite(tmp_path: Path) -> None:
    report = tmp_path / "report"
    run = crucible("redteam", str(MANIFEST), "--report-dir", str(report))
    assert "confusion matrix" in run.stdout and "per gate: expected vs caught" in run.stdout
    assert len(read_records(report)) == len(load_manifest(MANIFEST))
    missed = [line.strip() for line in run.stdout.splitlines() if "✗" in line and line.lstrip().startswith("[")]
    assert run.code == 0, "cases not as expected:\n" + "\n".join(missed)
