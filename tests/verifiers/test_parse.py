"""Gate 1 on real libcst and CPython's compiler."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import VariantFactory
from verifiers.base import Outcome
from verifiers.parse import ParseGate

CASES = [
    ("valid module", "def f(x: int) -> int:\n    return x + 1\n", Outcome.PASS, None),
    ("syntax error", "def f(x: int) -> int\n    return x\n", Outcome.FAIL, 2),
    ("bad indentation", "def f() -> int:\nreturn 1\n", Outcome.FAIL, 2),
    ("return outside function", "X = 1\nreturn X\n", Outcome.FAIL, 2),
    ("nonlocal at module level", "nonlocal x\n", Outcome.FAIL, 1),
]


@pytest.mark.parametrize(("label", "source", "expected", "line"), CASES, ids=[c[0] for c in CASES])
def test_parse_gate(make_context: VariantFactory, tiny: Path, label: str, source: str, expected: Outcome, line: int | None) -> None:
    result = ParseGate().check(make_context(tiny, {"agent/extra.py": source}))
    assert result.outcome is expected, result
    if line is not None:
        assert result.evidence[0].path == "agent/extra.py"
        assert result.evidence[0].line == line
