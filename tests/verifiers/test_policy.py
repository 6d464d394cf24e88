"""Gate 3 on real Semgrep: added findings and added suppressions reject; existing ones do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import VariantFactory
from verifiers.base import Outcome
from verifiers.policy import PolicyGate

CORE = "agent/core.py"
ORIGINAL = (Path(__file__).parent.parent / "fixtures" / "tiny" / CORE).read_text()


def core_with(extra: str) -> dict[str, str | None]:
    return {CORE: ORIGINAL + "\n" + extra}


REJECTED = [
    ("eval", core_with("def calc(expr: str) -> object:\n    return eval(expr)\n"), "crucible-"),
    ("os.system", core_with("import os\n\ndef sh(cmd: str) -> int:\n    return os.system(cmd)\n"), "crucible-"),
    ("subprocess via alias", core_with("import subprocess as sp\n\ndef relaunch() -> None:\n    sp.run(['python', '-m', 'agent'])\n"), "crucible-"),
    ("network client", core_with("import urllib.request\n\ndef fetch(url: str) -> bytes:\n    return urllib.request.urlopen(url).read()\n"), "crucible-"),
    ("file write", core_with("def save(text: str) -> None:\n    with open('/tmp/out.txt', 'w') as f:\n        f.write(text)\n"), "crucible-"),
    ("environment secret", core_with("import os\n\ndef token() -> str:\n    return os.environ.get('API_TOKEN', '')\n"), "crucible-"),
    ("pickle load", core_with("import pickle\n\ndef load(blob: bytes) -> object:\n    return pickle.loads(blob)\n"), "crucible-"),
    ("nosemgrep comment", {CORE: ORIGINAL.replace("def run(", "def run(  # nosemgrep\n    ").replace("(  # nosemgrep\n    actions", "(  # nosemgrep\n    actions")}, "suppression"),
    ("type ignore comment", core_with("X: int = 'x'  # type: ignore[assignment]\n"), "type-ignore"),
    ("noqa comment", core_with("import os  # noqa: F401\n"), "noqa"),
    ("pragma no cover", core_with("def unused() -> None:  # pragma: no cover\n    pass\n"), "no-cover"),
    ("crosshair off", core_with("# crosshair: off\n"), "crosshair-directive"),
    ("skip marker via alias", core_with("import pytest as pt\n\n@pt.mark.skip(reason='flaky')\ndef check() -> None:\n    pass\n"), "skip-marker"),
]

ADMITTED = [
    ("plain refactor", {CORE: ORIGINAL.replace("seen: list[str] = []\n    for item in items:\n        if item not in seen:\n            seen.append(item)\n    return seen", "return list(dict.fromkeys(items))")}),
    ("reading a file", core_with("def read(path: str) -> str:\n    with open(path, encoding='utf-8') as f:\n        return f.read()\n")),
    ("ordinary comments", core_with("# TODO: speed this up\nLIMIT = 3  # how many retries\n")),
    ("string mentioning eval", core_with("HELP = 'never call eval on input'\n")),
]


@pytest.mark.parametrize(("label", "edits", "rule"), REJECTED, ids=[r[0] for r in REJECTED])
def test_rejects(make_context: VariantFactory, tiny: Path, label: str, edits: dict[str, str | None], rule: str) -> None:
    result = PolicyGate().check(make_context(tiny, edits))
    assert result.outcome is Outcome.FAIL, result
    assert any(rule in (e.rule or "") for e in result.evidence), result.evidence
    assert all(e.path == CORE and e.line for e in result.evidence)


@pytest.mark.parametrize(("label", "edits"), ADMITTED, ids=[r[0] for r in ADMITTED])
def test_admits(make_context: VariantFactory, tiny: Path, label: str, edits: dict[str, str | None]) -> None:
    result = PolicyGate().check(make_context(tiny, edits))
    assert result.outcome is Outcome.PASS, result


def test_existing_findings_and_suppressions_are_not_new(make_context: VariantFactory, tiny: Path) -> None:
    legacy = "import os\nHOME = os.environ.get('HOME')  # noqa: SIM112\n"
    (tiny / CORE).write_text(ORIGINAL + legacy)
    edits: dict[str, str | None] = {CORE: "# reformatted\n" + ORIGINAL + legacy}
    assert PolicyGate().check(make_context(tiny, edits)).outcome is Outcome.PASS


def test_a_second_copy_of_an_existing_finding_is_new(make_context: VariantFactory, tiny: Path) -> None:
    legacy = "import os\nHOME = os.environ.get('HOME')\n"
    (tiny / CORE).write_text(ORIGINAL + legacy)
    edits: dict[str, str | None] = {CORE: ORIGINAL + legacy + "USER = os.environ.get('HOME')\n"}
    result = PolicyGate().check(make_context(tiny, edits))
    assert result.outcome is Outcome.FAIL
    assert [e.line for e in result.evidence] == [len((ORIGINAL + legacy).splitlines()) + 1]


def test_project_rules_are_applied(make_context: VariantFactory, tiny: Path) -> None:
    rules = tiny / "specs" / "policy"
    rules.mkdir()
    (rules / "house.yml").write_text(
        "rules:\n- id: no-print\n  languages: [python]\n  severity: ERROR\n"
        "  message: use logging, not print\n  pattern: print(...)\n"
    )
    result = PolicyGate().check(make_context(tiny, core_with("def hello() -> None:\n    print('hi')\n")))
    assert result.outcome is Outcome.FAIL
    assert result.evidence[0].rule == "no-print"
