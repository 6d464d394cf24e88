"""`crucible run` end to end on the corpus agents, with the embedded rule proposer (slow)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.report.jsonl import read_records
from verifiers.tree import hash_tree

CORPUS = Path(__file__).resolve().parent.parent.parent / "corpus"
AGENTS = ["triage-agent", "data-cleaner", "tool-planner"]

pytestmark = pytest.mark.slow


def crucible(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


@pytest.mark.parametrize("agent", AGENTS)
def test_run_finds_a_verified_speedup_on_each_agent(agent: str, tmp_path: Path) -> None:
    before = hash_tree(CORPUS / agent)
    report = tmp_path / "report"
    done = subprocess.run(crucible("run", "--project", str(CORPUS / agent), "--budget", "candidates=3,minutes=10",
                                   "--report-dir", str(report)), capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    records = read_records(report)
    faster = [r for r in records if r.admitted and (r.speedup or 0) > 1.0]
    assert faster, [r.summary for r in records]
    benchmark = next(g for g in faster[0].gates if g.gate == "benchmarks")
    assert "::test_" in benchmark.summary  # the benchmark the factor came from is named
    summary = json.loads((report / "run.json").read_text())
    assert summary["first_admitted_seconds"] is not None and summary["candidates_per_minute"] > 0
    assert (report / "final.diff").is_file() and (report / "index.html").is_file()
    assert summary["final"]["members"] and summary["ended"]
    headline = summary["headline"]
    assert headline["geomean"] > 1.0 and headline["benchmarks"], headline  # the whole suite, measured
    assert hash_tree(CORPUS / agent) == before  # the user's tree is untouched without --apply


def test_an_interrupted_run_resumes_without_losing_or_regating_a_candidate(tmp_path: Path) -> None:
    report = tmp_path / "report"
    args = ("run", "--project", str(CORPUS / "tool-planner"), "--budget", "candidates=4,minutes=15",
            "--report-dir", str(report), "--jobs", "1")
    process = subprocess.Popen(crucible(*args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and len(_lines(report)) < 1:
        time.sleep(1)
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=600)
    kept = [json.loads(line)["id"] for line in _lines(report)]
    assert 1 <= len(kept) < 4
    done = subprocess.run(crucible(*args, "--resume"), capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    ids = [json.loads(line)["id"] for line in _lines(report) if json.loads(line)["proposer"] != "merge"]
    assert ids[: len(kept)] == kept  # nothing lost
    assert len(ids) == len(set(ids)) == 4  # nothing gated twice, budget honoured across the interruption
    assert json.loads((report / "run-state.json").read_text())["gated"] == 4


def _lines(report: Path) -> list[str]:
    path = report / "verdicts.jsonl"
    return [line for line in path.read_text().splitlines() if line.strip()] if path.is_file() else []
