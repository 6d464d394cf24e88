"""Gate 4 on real mypy: a new type error rejects; existing or moved ones do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import VariantFactory
from verifiers.base import Outcome
from verifiers.typecheck import TypeGate, UnreadableOutput, parse_mypy_output

CORE = "agent/core.py"
ORIGINAL = (Path(__file__).parent.parent / "fixtures" / "tiny" / CORE).read_text()

CASES = [
    ("wrong return type", ORIGINAL.replace("return seen", "return len(seen)"), Outcome.FAIL),
    ("untyped new function under strict", ORIGINAL + "\ndef helper(x):\n    return x\n", Outcome.FAIL),
    ("call with wrong argument", ORIGINAL + "\nBAD = dedupe(3)\n", Outcome.FAIL),
    ("typed refactor", ORIGINAL.replace("seen: list[str] = []\n    for item in items:\n        if item not in seen:\n            seen.append(item)\n    return seen", "return list(dict.fromkeys(items))"), Outcome.PASS),
    ("new typed helper", ORIGINAL + "\ndef count(items: list[str]) -> int:\n    return len(items)\n", Outcome.PASS),
]


@pytest.mark.parametrize(("label", "source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_type_gate(make_context: VariantFactory, tiny: Path, label: str, source: str, expected: Outcome) -> None:
    result = TypeGate().check(make_context(tiny, {CORE: source}))
    assert result.outcome is expected, result
    if expected is Outcome.FAIL:
        assert result.evidence and result.evidence[0].path == CORE and result.evidence[0].line


def test_existing_errors_that_move_are_not_new(make_context: VariantFactory, tiny: Path) -> None:
    (tiny / CORE).write_text(ORIGINAL + "\nBROKEN: int = 'x'\n")
    moved = "# a new first line shifts every error down\n" + ORIGINAL + "\nBROKEN: int = 'x'\n"
    result = TypeGate().check(make_context(tiny, {CORE: moved}))
    assert result.outcome is Outcome.PASS, result
    assert "original has 1" in result.summary


def test_unparseable_original_config_is_an_error_not_a_pass(make_context: VariantFactory, tiny: Path) -> None:
    pyproject = tiny / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("strict = true", "strict = true\nplugins = ['no_such_plugin_module']"))
    result = TypeGate().check(make_context(tiny, {CORE: ORIGINAL + "\nX = 1\n"}))
    assert result.outcome is Outcome.ERROR, result


@pytest.mark.parametrize("setting", ["pretty = true", "show_column_numbers = true", "show_error_end = true",
                                     "show_absolute_path = true", "show_error_code_links = true"])
def test_the_projects_output_settings_do_not_hide_a_new_error(make_context: VariantFactory, tiny: Path, setting: str) -> None:
    """These settings change mypy's text output; a gate reading text would parse no error and pass."""
    pyproject = tiny / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("strict = true", f"strict = true\n{setting}"))
    result = TypeGate().check(make_context(tiny, {CORE: ORIGINAL.replace("return seen", "return len(seen)")}))
    assert result.outcome is Outcome.FAIL, result
    assert result.evidence[0].path == CORE and result.evidence[0].rule == "return-value"


def test_parse_mypy_output() -> None:
    text = ('{"file": "agent/core.py", "line": 12, "column": 4, "message": "Incompatible return value type", '
            '"hint": null, "code": "return-value", "severity": "error"}\n'
            '{"file": "agent/core.py", "line": 3, "column": 0, "message": "see here", "hint": null, "code": null, '
            '"severity": "note"}\n')
    (error,) = parse_mypy_output(text)
    assert (error.path, error.line, error.code) == ("agent/core.py", 12, "return-value")


@pytest.mark.parametrize("text", [
    "agent/core.py:12: error: Incompatible return value type  [return-value]",  # text, not the JSON asked for
    '{"file": "agent/core.py", "line": 12}',  # JSON without the fields
    "[1, 2]",
])
def test_output_that_is_not_mypys_json_is_unreadable_never_empty(text: str) -> None:
    with pytest.raises(UnreadableOutput):
        parse_mypy_output(text)
