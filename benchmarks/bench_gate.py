"""How long one `crucible gate` takes through gates 1-5 on a corpus agent (pytest-benchmark).

Run: .venv/bin/python -m pytest benchmarks/bench_gate.py
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from pipeline.gating import GateOptions, gate_patch, load_target
from pipeline.patch import read_patch

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
EXAMPLE = CORPUS / "tool-planner" / "examples" / "unique-keywords-dict.diff"


@pytest.mark.skipif(not EXAMPLE.is_file(), reason="example patch not in the corpus yet")
def test_gate_structural_gates(benchmark: BenchmarkFixture) -> None:
    target = load_target(CORPUS / "tool-planner")
    patch = read_patch(EXAMPLE)
    record = benchmark.pedantic(lambda: gate_patch(target, patch, GateOptions()), rounds=7, iterations=1, warmup_rounds=1)
    assert record.admitted, record.summary
