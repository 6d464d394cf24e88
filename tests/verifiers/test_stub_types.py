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
    # A stub as real packages write it: overloads (the one the function's parameters fit is used),
    # aliases, a protocol bound, names from the stub-only `_typeshed`, `type_check_only`.
    ("only: the second item drawn with a default, as more-itertools once rewrote it",
     "        second_value = next(iterator)\n    except StopIteration:\n        pass\n    else:",
     "        second_value = next(iterator)\n    except StopIteration:\n        return first_value\n    else:", Outcome.PASS),
    ("only: the caller's too_long ignored", "        raise too_long or ValueError(", "        raise ValueError(", Outcome.FAIL),
    ("smallest of a list: the same least item", "    return min(iterable, key=key)",
     "    return min(list(iterable), key=key)", Outcome.PASS),
    ("smallest turned largest", "    return min(iterable, key=key)", "    return max(iterable, key=key)", Outcome.FAIL),
]


@pytest.mark.parametrize(("label", "old", "new", "expected"), ROWS, ids=[r[0] for r in ROWS])
def test_stub_types_drive_the_search(make_context: VariantFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     label: str, old: str, new: str, expected: Outcome) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert old in SOURCE
    result = EquivalenceGate().check(make_context(FIXTURES / "stubbed", {MODULE: SOURCE.replace(old, new)}, budgets=FAST))
    assert result.outcome is expected, result
    if expected is Outcome.PASS:
        messages = " ".join(e.message for e in result.evidence)
        assert "types from seqstub/__init__.pyi" in messages, result
        assert result.strength is not None
        # Sampled only where CrossHair cannot judge the function: it fails on the original against
        # itself too (`only` raises the BaseException it is handed, and that escapes CrossHair), or
        # its report is explained by the one generator it hands both versions.
        assert result.strength.value in ("bounded", "exhaustive") or (
            result.strength.value == "sampled" and "CrossHair cannot judge this function" in messages), result
