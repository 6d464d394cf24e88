"""Variants that try to write their own verdict from inside the processes that judge them — each
with a real behaviour change the forgery is meant to hide — and what the gates make of them, on
the real tools. The static `scope` gate would refuse all of these first; here the dynamic layers
stand alone: separated processes, the authenticated channel, and the fingerprints."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, VariantFactory
from verifiers.base import Budgets, Gate, Outcome
from verifiers.benchmarks import BenchmarkGate
from verifiers.contracts import ContractsGate
from verifiers.equivalence import EquivalenceGate

CORE = "calc/core.py"
SOURCE = (FIXTURES / "formal" / CORE).read_text()
FAST = Budgets(search_seconds=2.0, function_seconds=15.0, benchmark_rounds=3)
UNIQUE_LOOP = "    seen: list[str] = []\n    for item in items:\n        if item not in seen:\n            seen.append(item)\n    return seen"
ORDER_LOST = "    return sorted(set(items))"  # loses first-seen order: a counterexample without forgery
SLOWER = "        if item not in seen and item not in list(reversed(seen)):\n"


def variant(body_old: str, body_new: str, at_import: str = "") -> dict[str, str | None]:
    assert body_old in SOURCE
    source = SOURCE.replace(body_old, body_new)
    return {CORE: source.replace("LIMIT = 100\n", f"LIMIT = 100\n{at_import}\n") if at_import else source}


FIND_FDS = "import os as _os\n_fds = [int(n) for n in _os.listdir('/proc/self/fd') if int(n) > 2]\n"
CASES = [
    # (label, gate, edits, expected outcome, words in the summary or evidence)
    ("equivalence, no forgery: the order-losing rewrite is refuted", EquivalenceGate(),
     variant(UNIQUE_LOOP, ORDER_LOST), Outcome.FAIL, "different behaviour"),
    ("equivalence: rebinds json.dumps the worker might use", EquivalenceGate(),
     variant(UNIQUE_LOOP, ORDER_LOST, "import json\njson.dumps = lambda *a, **k: '{}'"), Outcome.ERROR, "module json: ~dumps"),
    ("equivalence: writes through vars(json)", EquivalenceGate(),
     variant(UNIQUE_LOOP, ORDER_LOST, "import json\nvars(json)['loads'] = lambda *a, **k: {}"), Outcome.ERROR, "module json: ~loads"),
    ("equivalence: forges reports on every inherited descriptor", EquivalenceGate(),
     variant(UNIQUE_LOOP, ORDER_LOST, FIND_FDS + "for _fd in _fds:\n    try:\n        _os.write(_fd, bytes(40))\n"
             "    except OSError:\n        pass"), Outcome.ERROR, "tampered with"),
    ("equivalence: behaves like the original only when CrossHair is loaded", EquivalenceGate(),
     variant(UNIQUE_LOOP, "    import sys\n    if 'crosshair' in sys.modules:\n" + UNIQUE_LOOP.replace("    ", "        ", 1).replace("\n    ", "\n        ")
             + "\n    return sorted(set(items))"), Outcome.FAIL, "different behaviour"),
    ("equivalence: silences the per-call alarm, then hangs on a rare input", EquivalenceGate(),
     variant('    """The index of `target`, or -1."""\n',
             '    """The index of `target`, or -1."""\n    if target == 7919:\n        while True:\n            pass\n',
             "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)"), Outcome.ERROR, "signal SIGALRM"),
    ("contracts, no forgery: a broken postcondition is refuted", ContractsGate(),
     variant("    if x > LIMIT:\n        return LIMIT", "    if x > LIMIT:\n        return LIMIT + 1"), Outcome.FAIL, "false when calling"),
    ("contracts: every condition check confirmed by a replaced CrossHair method", ContractsGate(),
     variant("    if x > LIMIT:\n        return LIMIT", "    if x > LIMIT:\n        return LIMIT + 1",
             "import crosshair.core as _core\nfrom crosshair.statespace import AnalysisMessage, MessageType\n"
             "_core.ConditionCheckable.analyze = lambda self: [AnalysisMessage(MessageType.CONFIRMED, 'ok', '', 0, 0, '')]"),
     Outcome.ERROR, "class crosshair.core.ConditionCheckable"),
    ("benchmarks: divides its own samples by 100 on their way to the report", BenchmarkGate(),
     variant("        if item not in seen:\n", SLOWER,
             "import pytest_benchmark.stats as _stats\n_update = _stats.Stats.update\n"
             "_stats.Stats.update = lambda self, duration: _update(self, duration / 100)"),
     Outcome.ERROR, "pytest_benchmark.stats.Stats"),
]


@pytest.mark.parametrize(("label", "gate", "edits", "expected", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_variant_cannot_write_its_own_verdict(
    make_context: VariantFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    label: str, gate: Gate, edits: dict[str, str | None], expected: Outcome, words: str,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = gate.check(make_context(FIXTURES / "formal", edits, budgets=FAST))
    assert result.outcome is expected, result
    text = " ".join([result.summary, *(f"{e.message} {e.excerpt}" for e in result.evidence)])
    assert words in text, text
