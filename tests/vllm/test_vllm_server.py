"""The vLLM proposer against a real vLLM server serving a tiny random model: the whole path works
(readiness, schema-constrained requests, parsing, edit application, gating, reporting) and the
model's nonsense is rejected cleanly, never a crash."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.edits import EditRefused, apply_edits, unified_diff
from pipeline.gating import GateOptions, gate_patch, load_target
from pipeline.patch import parse_patch
from pipeline.proposers.base import Proposal
from pipeline.proposers.vllm import VllmProposer
from pipeline.report.jsonl import read_records
from tests.vllm.server import VllmServer
from tests.vllm.targets import TOOL_PLANNER, corpus_target
from verifiers.base import Budgets, Outcome

pytestmark = [pytest.mark.vllm, pytest.mark.slow]

ADDRESS = "planner.tools:cheapest_tool"
ROUNDS, ANSWERS = 2, 4
ANSWER_OUTCOMES = ("truncated", "malformed-json", "off-schema", "wrong-target", "duplicate", "proposed")
FAILED_REQUESTS = ("timeout", "connection-error", "server-error", "request-error", "bad-response", "no-model")


def test_garbage_from_a_real_model_is_refused_or_rejected(vllm_server: VllmServer, timings: dict[str, float]) -> None:
    target = corpus_target(TOOL_PLANNER, ADDRESS)
    # max_code_chars keeps prompt + answer inside the tiny model's 1024-token context.
    proposer = VllmProposer(vllm_server.url, timeout=120, temperature=1.0, max_code_chars=600)
    started = time.monotonic()
    proposals = [p for _ in range(ROUNDS) for p in proposer.propose(target, ANSWERS)]
    timings["requests"] = time.monotonic() - started
    counts = proposer.stats.counts
    print(f"\nproposer counts: {dict(counts)}")

    assert proposer.model == vllm_server.models[0]  # discovered through GET /models
    assert counts["ok"] == ROUNDS and not any(counts[k] for k in FAILED_REQUESTS), proposer.last_error
    assert sum(counts[k] for k in ANSWER_OUTCOMES) == ROUNDS * ANSWERS  # every answer accounted for
    # Structured outputs held: whatever closed is JSON of the asked-for shape and target.
    assert counts["malformed-json"] == counts["off-schema"] == counts["wrong-target"] == 0
    assert len(proposals) == counts["proposed"] >= 1

    started = time.monotonic()
    refused, rejected = _judge(proposals)
    timings["applying and gating"] = time.monotonic() - started
    for sample in proposals[:3]:
        print(f"model wrote: {sample.edits[0].code[:120]!r}")
    print(f"refused when applied: {len(refused)}, e.g. {refused[:2]}; gated and rejected: {rejected}")
    # `_judge` itself fails the test if any proposal is admitted or anything crashes.


def _judge(proposals: list[Proposal]) -> tuple[list[str], list[str]]:
    """Apply each proposal; gate the first that applies. Nothing may be admitted or crash."""
    refused: list[str] = []
    rejected: list[str] = []
    for proposal in proposals:
        try:
            changed = apply_edits(TOOL_PLANNER, proposal.edits)
        except EditRefused as exc:
            refused.append(str(exc))
            continue
        if rejected:
            continue
        diff = unified_diff(TOOL_PLANNER, changed)
        record = gate_patch(load_target(TOOL_PLANNER), parse_patch(diff), GateOptions(budgets=Budgets(test_seconds=120)), proposer="vllm")
        assert not record.admitted, diff
        rejected.append(record.summary)
    return refused, rejected


def test_crucible_run_with_the_vllm_proposer(
    vllm_server: VllmServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, timings: dict[str, float],
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # the bandit's state stays here
    report = tmp_path / "report"
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    code = main(["run", "--project", str(TOOL_PLANNER), "--proposer", "vllm", "--vllm-url", vllm_server.url,
                 "--budget", "candidates=3", "--report-dir", str(report)], out, err)
    timings["crucible run, 3 candidates"] = time.monotonic() - started
    print(out.getvalue())
    assert code == 0, err.getvalue()
    records = read_records(report)
    assert records and all(r.proposer == "vllm" for r in records)
    assert not any(r.admitted for r in records)
    # each with the evidence that stopped it: the refused edit's reason, or a gate's finding
    assert all(any(g.outcome is Outcome.FAIL and g.evidence for g in r.gates) for r in records)
    summary = json.loads((report / "run.json").read_text(encoding="utf-8"))
    assert summary["proposer"] == "vllm" and summary["proposer_stats"]["ok"] >= 1, summary
