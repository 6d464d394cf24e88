"""How long one `crucible gate` takes on a corpus agent (pytest-benchmark).

Run: .venv/bin/python -m pytest benchmarks/bench_gate.py
- gates 1-5 (parse, scope, policy, types, tests) on a one-function patch: aim under 3 s;
- all eight gates on a patch touching two functions: aim under 20 s.
The verdict cache is pointed at an empty directory so every round does the full work.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from pipeline.gating import GateOptions, gate_patch, load_target
from pipeline.patch import read_patch
from verifiers.registry import GATES, STRUCTURAL

PLANNER = Path(__file__).resolve().parent.parent / "corpus" / "tool-planner"


@pytest.fixture(autouse=True)
def cold_verdict_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_gate_structural_gates(benchmark: BenchmarkFixture) -> None:
    target = load_target(PLANNER)
    patch = read_patch(PLANNER / "examples" / "unique-keywords-dict.diff")
    record = benchmark.pedantic(lambda: gate_patch(target, patch, GateOptions(), gates=STRUCTURAL), rounds=7, iterations=1, warmup_rounds=1)
    assert record.admitted, record.summary


def test_gate_all_eight_gates_two_functions(benchmark: BenchmarkFixture) -> None:
    target = load_target(PLANNER)
    patch = read_patch(PLANNER / "examples" / "two-functions.diff")
    record = benchmark.pedantic(lambda: gate_patch(target, patch, GateOptions(), gates=GATES), rounds=3, iterations=1)
    assert record.admitted, record.summary
    assert record.speedup is not None and record.speedup > 1
