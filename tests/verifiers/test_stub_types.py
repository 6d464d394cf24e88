"""Types from where they are: a library whose functions carry no annotations but have a `.pyi`
stub beside them is searched over the stub's types, as annotated code is, and the verdict says
where the types came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, VariantFactory
from verifiers.base import Budgets, Outcome
from verifiers.equivalence import EquivalenceGate

MODULE = "seqstub/__init__.py"
SOURCE = (FIXTURES / "stubbed" / MODULE).read_text()
FAST = Budgets(search_seconds=2.0, function_seconds=20.0)

ROWS = [
    # The tests only pass lists; a caller's one-shot iterator shows these regressions.
    ("first by indexing: breaks on an iterator", "    for item in iterable:\n        return item\n    return default",
     "    return iterable[0] if iterable else default", Outcome.FAIL),
    ("chunked by slicing: breaks on an iterator",
     "    iterator = iter(iterable)\n    chunks = []\n    while True:\n        chunk = list(itertools.islice(iterator, size))\n"
     "        if not chunk:\n            return chunks\n        chunks.append(chunk)",
     "    return [list(iterable[i:i + size]) for i in range(0, len(iterable), size)]", Outcome.FAIL),
    ("total as sum(): the same for every iterable of ints", "    result = 0\n    for value in values:\n        result += value\n    return result",
     "    return sum(values)", Outcome.PASS),
]


@pytest.mark.parametrize(("label", "old", "new", "expected"), ROWS, ids=[r[0] for r in ROWS])
def test_stub_types_drive_the_search(make_context: VariantFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     label: str, old: str, new: str, expected: Outcome) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert old in SOURCE
    result = EquivalenceGate().check(make_context(FIXTURES / "stubbed", {MODULE: SOURCE.replace(old, new)}, budgets=FAST))
    assert result.outcome is expected, result
    if expected is Outcome.PASS:
        assert "types from seqstub/__init__.pyi" in " ".join(e.message for e in result.evidence), result
        assert result.strength is not None and result.strength.value in ("bounded", "exhaustive")
