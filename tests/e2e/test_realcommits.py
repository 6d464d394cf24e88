"""Real commits of real libraries, gated as pull requests (benchmarks/realcommit_cases.py): every
maintainers' behaviour-preserving change admitted, every reintroduced real bug — one the library's
suite predating the fix misses — rejected by a confirmed counterexample."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.realcommit_cases import Case, gate_case, load_cases, prepare_library

CASES = load_cases()
pytestmark = pytest.mark.slow
# Cases Crucible gets wrong today, each with why; strict: one that starts passing fails here until
# it is taken off this list.
KNOWN_MISSES: dict[str, str] = {
    "toolz/partition-all-bad-len": "needs a sequence whose __len__ disagrees with what it yields; no input of that kind is tried",
}


def _param(case: Case) -> object:
    miss = KNOWN_MISSES.get(case.name)
    return pytest.param(case, id=case.name, marks=[pytest.mark.xfail(reason=miss, strict=True)] if miss else [])


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("libraries")
    return {library: prepare_library(library, work) for library in sorted({c.library for c in CASES})}


def test_there_are_cases_of_both_kinds_in_every_library() -> None:
    for library in {c.library for c in CASES}:
        kinds = [c.kind for c in CASES if c.library == library]
        assert kinds.count("benign") >= 6 and kinds.count("regression") >= 6, library


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_verdict(case: Case, prepared: dict[str, Path], tmp_path: Path) -> None:
    outcome = gate_case(case, prepared[case.library], tmp_path)
    assert outcome.right, f"{outcome.line()}\n  why: {case.why}"
