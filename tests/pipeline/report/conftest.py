"""Records to render: six real verdicts on the tool-planner sample agent (recorded from
`crucible gate --all-gates` runs: two admitted, and rejections by contracts/equivalence with
counterexamples, benchmarks with timings, Semgrep and mypy with findings), plus made-up ones
for what a single `gate` run cannot give (lineage, a refused patch, hostile text)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Final

import pytest

from pipeline.report.jsonl import append_record
from pipeline.report.records import CandidateRecord, record_from_json
from verifiers.base import Evidence, GateResult, Outcome, SkipReason

HERE: Final = Path(__file__).parent
REPO: Final = HERE.parent.parent.parent
RECORDED: Final = HERE / "verdicts-tool-planner.jsonl"
CONTRACTS_REJECTED: Final = "c-afc81bedfe1d"  # first_over_budget: `>` became `>=`
PAYLOAD: Final = '</pre></code></td>"\'><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


def recorded() -> list[CandidateRecord]:
    """The recorded verdicts, their project pointed at this checkout's copy of the agent."""
    project = str(REPO / "corpus" / "tool-planner")
    lines = RECORDED.read_text(encoding="utf-8").splitlines()
    return [dataclasses.replace(record_from_json(line), project=project) for line in lines]


def record(id: str, admitted: bool, gates: tuple[GateResult, ...] = (), **fields: object) -> CandidateRecord:
    base = CandidateRecord(
        id=id, parent=None, proposer="rules", edits=(), diff="", gates=gates, admitted=admitted,
        summary="every gate passed" if admitted else "scope: fail: x", speedup=None,
        project=str(REPO / "corpus" / "tool-planner"), kernel_digest="sha256:00", created="2026-01-01T00:00:00+00:00",
        seconds=1.0,
    )
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]


def hostile() -> CandidateRecord:
    """A rejected candidate whose every text field carries markup."""
    diff = (f"diff --git a/planner/x.py b/planner/x.py\n--- a/planner/x.py\n+++ b/planner/x.py\n"
            f"@@ -1,1 +1,2 @@\n x = 1\n+y = '{PAYLOAD}'  # {PAYLOAD}\n")
    evidence = Evidence(f"policy {PAYLOAD}", "planner/x.py", 2, f"rule{PAYLOAD}", f"excerpt {PAYLOAD}",
                        f"def test_x() -> None:\n    assert '{PAYLOAD}'\n")
    cex = Evidence(f"f {PAYLOAD}", "planner/x.py", None, "f",
                   f"input: f('{PAYLOAD}')\noriginal: returns '{PAYLOAD}'\nvariant: returns 1")
    gates = (
        GateResult("policy", Outcome.FAIL, f"summary {PAYLOAD}", (evidence,), 0.5),
        GateResult("equivalence", Outcome.FAIL, f"summary {PAYLOAD}",
                   (cex, Evidence("absolute", "/etc/passwd", 1), Evidence("outside", "../../outside.py", 1)), 0.5),
        GateResult("benchmarks", Outcome.SKIPPED, PAYLOAD, (), 0.0, skip_reason=SkipReason.NOT_RUN),
    )
    diff += ("diff --git a/../../outside.py b/../../outside.py\n--- a/../../outside.py\n+++ b/../../outside.py\n"
             "@@ -1 +1 @@\n-a\n+b\n--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-root\n+x <b>\n")
    return record("c-hostile", False, gates, diff=diff, summary=f"policy: fail: {PAYLOAD}",
                  proposer=f"rules{PAYLOAD}", parent=f"p{PAYLOAD}", project=f"/tmp/{PAYLOAD}",
                  kernel_digest=PAYLOAD, edits=(f'{{"why": "{PAYLOAD.replace(chr(34), "")}"}}',))


def lineage() -> list[CandidateRecord]:
    """A run: a root admitted candidate, a child of it admitted, a grandchild rejected, a refusal."""
    passed = (GateResult("parse", Outcome.PASS, "ok", (), 0.1),)
    failed = (GateResult("parse", Outcome.PASS, "ok", (), 0.1), GateResult("scope", Outcome.FAIL, "no", (), 0.2))
    return [
        record("c-root", True, passed, speedup=1.5),
        record("c-child", True, passed, parent="c-root", speedup=2.0),
        record("c-grandchild", False, failed, parent="c-child", summary="scope: fail: no"),
        record("c-refused", False, (), summary="bad input: the patch is empty", proposer="patch"),
    ]


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    """A report directory holding the recorded verdicts (no index.html yet)."""
    folder = tmp_path / "report"
    for item in recorded():
        append_record(folder, item)
    return folder
