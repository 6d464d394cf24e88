"""The versions behind a verdict: named in every record, part of every cache key, and compared
when a verdict is read back."""

from __future__ import annotations

import json
from importlib import metadata

import pytest

from pipeline.report.records import record_from_json, record_to_json
from tests.pipeline.report.conftest import record
from verifiers import formal
from verifiers.toolchain import TOOLS, describe, differences, toolchain


def test_toolchain_names_python_and_every_verdict_deciding_tool_at_its_installed_version() -> None:
    versions = dict(toolchain())
    assert list(versions) == ["python", *TOOLS]
    for tool in TOOLS:
        assert versions[tool] == metadata.version(tool)


@pytest.mark.parametrize(("recorded", "current", "expected"), [
    ((("python", "3.11.7"), ("mypy", "2.4.1")), (("python", "3.11.7"), ("mypy", "2.4.1")), []),
    ((("python", "3.11.7"), ("crosshair-tool", "0.0.114")), (("python", "3.11.7"), ("crosshair-tool", "0.0.113")),
     ["crosshair-tool 0.0.114 (now 0.0.113)"]),
    ((("python", "3.12.1"),), (("python", "3.11.7"), ("semgrep", "1.180.0")),
     ["python 3.12.1 (now 3.11.7)", "semgrep absent (now 1.180.0)"]),
    ((), (("python", "3.11.7"),), ["versions not recorded"]),
])
def test_differences_name_each_tool_that_changed(
    recorded: tuple[tuple[str, str], ...], current: tuple[tuple[str, str], ...], expected: list[str],
) -> None:
    assert differences(recorded, current) == expected


def test_a_record_keeps_its_versions_through_json_and_an_old_record_has_none() -> None:
    made = record("c-1", True)
    assert made.toolchain == toolchain()
    again = record_from_json(record_to_json(made))
    assert dict(again.toolchain) == dict(toolchain())
    written_before_versions = json.loads(record_to_json(made))
    del written_before_versions["toolchain"]
    old = record_from_json(json.dumps(written_before_versions))
    assert old.toolchain == ()
    assert describe(old.toolchain) == "versions not recorded"


def test_the_verdict_cache_is_keyed_by_the_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    here = formal.verdict_cache(["equivalence", "m", "f"]).path
    monkeypatch.setattr(formal, "toolchain", lambda: (("python", "3.11.7"), ("crosshair-tool", "0.0.114")))
    elsewhere = formal.verdict_cache(["equivalence", "m", "f"]).path
    assert here != elsewhere
