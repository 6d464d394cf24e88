"""Seconds per verdict on real commits of real libraries (see `realcommit_cases`): one round per
case, since each verdict is a whole `crucible gate` on a fresh copy; the verdict itself is kept in
the benchmark's extra info, and the slow test `tests/e2e/test_realcommits.py` holds it to account.

    .venv/bin/python -m pytest benchmarks/bench_realcommits.py --benchmark-columns=median
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from benchmarks.realcommit_cases import Case, Outcome, gate_case, load_cases, prepare_library

CASES = load_cases()
_prepared: dict[str, Path] = {}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_verdict_seconds(benchmark: BenchmarkFixture, case: Case, tmp_path_factory: pytest.TempPathFactory) -> None:
    if case.library not in _prepared:
        _prepared[case.library] = prepare_library(case.library, tmp_path_factory.mktemp(case.library))
    work = tmp_path_factory.mktemp(case.id)
    outcome: Outcome = benchmark.pedantic(gate_case, args=(case, _prepared[case.library], work), rounds=1, iterations=1)
    benchmark.extra_info.update(kind=case.kind, admitted=outcome.admitted, gate=outcome.gate, right=outcome.right)
