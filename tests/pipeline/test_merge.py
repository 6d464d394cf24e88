"""Merging a generation's improvements: the faster of two on one function, the combination
verified as a whole, and the member that breaks it found by bisection and left out with why."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from pipeline.edits import Edit, EditKind
from pipeline.merge import Improvement, merge, select
from pipeline.report.records import CandidateRecord
from tests.pipeline.report.conftest import record
from tests.support import snapshot
from verifiers.tree import copy_tree

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def improvement(name: str, function: str, speedup: float) -> Improvement:
    edit = Edit(EditKind.REPLACE_FUNCTION, f"m:{function}", f"def {function}(): ...\n")
    made = record(f"c-{name}", True, speedup=speedup, diff=f"diff of {name}", edits=(edit.to_json(),))
    return Improvement(made, (edit,))


def test_two_improvements_of_one_function_keep_the_faster() -> None:
    chosen, left = select([improvement("slow", "f", 2.0), improvement("fast", "f", 9.0), improvement("g", "g", 3.0)])
    assert [c.record.id for c in chosen] == ["c-fast", "c-g"]
    assert [item.improvement.record.id for item in left] == ["c-slow"]
    assert "conflicts with the faster c-fast (×9.00) on m:f" in left[0].reason


class Scripted:
    """Gating by a script, for the bisection's bookkeeping alone: any combination holding both
    `a` and `b` is rejected (the real-gates case is the slow test below)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, members: Sequence[Improvement], diff: str) -> CandidateRecord:
        ids = tuple(m.record.id for m in members)
        self.calls.append(ids)
        broken = {"c-a", "c-b"} <= set(ids)
        return record(f"c-merge-{len(self.calls)}", not broken, summary="tests: fail: 1 test broken" if broken else "ok")


@pytest.mark.parametrize("speeds", [(9.0, 5.0, 3.0, 2.0), (5.0, 9.0, 3.0, 2.0), (2.0, 3.0, 9.0, 5.0)])
def test_bisection_leaves_out_the_slower_of_two_that_fail_together(tmp_path: Path, speeds: tuple[float, ...],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipeline.merge.combination", lambda base, members: "+".join(m.record.id for m in members))
    members = [improvement(n, n, s) for n, s in zip(("a", "b", "c", "d"), speeds)]
    gate = Scripted()
    merged = merge(tmp_path, members, gate)
    slower = "c-a" if speeds[0] < speeds[1] else "c-b"
    assert {m.record.id for m in merged.members} == {"c-a", "c-b", "c-c", "c-d"} - {slower}
    (left,) = merged.left_out
    assert left.improvement.record.id == slower and "rejected when merged with" in left.reason
    assert len(gate.calls) == len(set(gate.calls)) <= 4  # each combination gated once, log2(n) to find the culprit


INTERACTING = FIXTURES / "mergepair-edits" / "interacting.jsonl"


@pytest.mark.slow
def test_a_run_merges_what_passes_together_and_commits_it(tmp_path: Path) -> None:
    """On real gates: `price` and `position` each build a lazy index in the same module global
    `_INDEX` — each passes alone, together whichever runs first fills it with its own values (the
    tests see it); the third improvement is independent. The final variant holds it and the faster
    of the pair."""
    project = copy_tree(FIXTURES / "mergepair", tmp_path / "mergepair")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.invalid",
                                                              "commit", "-q", "-m", "base"]):
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)
    before = _checkout(project)
    report = tmp_path / "report"
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", "--project", str(project), "--proposer",
                           f"replay:{INTERACTING}", "--budget", "candidates=3,minutes=20", "--jobs", "1",
                           "--report-dir", str(report), "--commit", "crucible/verified"],
                          capture_output=True, text=True, timeout=1800, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    run = json.loads((report / "run.json").read_text())
    held = {f for m in run["final"]["members"] for f in m["functions"]}
    assert "table.rows:total_width" in held and len(held & {"table.rows:price", "table.rows:position"}) == 1, run
    (left,) = run["left_out"]
    assert left["functions"][0] in {"table.rows:price", "table.rows:position"}
    assert "rejected when merged with" in left["reason"] and "tests: fail" in left["reason"]
    assert run["headline"]["benchmarks"] and run["headline"]["geomean"] > 1.0
    final = (report / "final.diff").read_text()
    assert "sum(map(len, values))" in final
    assert _checkout(project) == before  # --commit leaves the checkout alone
    log = subprocess.run(["git", "log", "--format=%B", "-1", "crucible/verified"], cwd=project, capture_output=True,
                         text=True, check=True).stdout
    assert log.startswith("Crucible: 2 verified improvement(s)") and "table.rows:total_width" in log
    shown = subprocess.run(["git", "show", "crucible/verified:table/rows.py"], cwd=project, capture_output=True,
                           text=True, check=True).stdout
    assert "sum(map(len, values))" in shown


def _checkout(root: Path) -> dict[str, str]:
    """The working tree, not the repository's own records (a new branch adds to those)."""
    return {k: v for k, v in snapshot(root).items() if not k.startswith(".git/") and k != ".git"}
