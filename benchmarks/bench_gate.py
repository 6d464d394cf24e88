"""How long one `crucible gate` takes on a corpus agent (pytest-benchmark).

Run: .venv/bin/python -m pytest benchmarks/bench_gate.py
- gates 1-5 (parse, scope, policy, types, tests) on a one-function patch: aim under 3 s;
- all eight gates on a patch touching two functions: aim under 20 s.
Every round starts with empty caches (verdicts, benchmark coverage), so it does the full work.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from pipeline.gating import GateOptions, gate_patch, load_target
from pipeline.patch import read_patch
from pipeline.report.records import CandidateRecord
from verifiers.registry import GATES, STRUCTURAL
from verifiers.toolrun import tool_home

PLANNER = Path(__file__).resolve().parent.parent / "corpus" / "tool-planner"


def cold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gate: Callable[[], CandidateRecord]) -> Callable[[], CandidateRecord]:
    """Each round without cached verdicts or benchmark coverage: the full work every time (mypy
    keeps its per-project cache, as it does for a user gating patch after patch)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def run() -> CandidateRecord:
        for cached in ("verdicts", "coverage"):
            shutil.rmtree(tool_home().parent / cached, ignore_errors=True)
        return gate()

    return run


def test_gate_structural_gates(benchmark: BenchmarkFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = load_target(PLANNER)
    patch = read_patch(PLANNER / "examples" / "unique-keywords-dict.diff")
    gate = cold(tmp_path, monkeypatch, lambda: gate_patch(target, patch, GateOptions(), gates=STRUCTURAL))
    record = benchmark.pedantic(gate, rounds=7, iterations=1, warmup_rounds=1)
    assert record.admitted, record.summary


def test_gate_all_eight_gates_two_functions(benchmark: BenchmarkFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = load_target(PLANNER)
    patch = read_patch(PLANNER / "examples" / "two-functions.diff")
    gate = cold(tmp_path, monkeypatch, lambda: gate_patch(target, patch, GateOptions(), gates=GATES))
    record = benchmark.pedantic(gate, rounds=3, iterations=1)
    assert record.admitted, record.summary
    assert record.speedup is not None and record.speedup > 1
