"""crucible.sarif against the official SARIF 2.1.0 schema, and where its results point.

`sarif-schema-2.1.0.json` is the schema as Microsoft's SARIF SDK ships it, taken unchanged from the
npm package `@microsoft/sarif-multitool-linux@5.7.0` (MIT; file `package/sarif-2.1.0.json`,
sha256 1c49a0f2b60444c71bb14878e21e0d882198eff4c539861b133093ad89ed798c): the OASIS 2.1.0
schema (with its errata), declaring JSON Schema draft 2020-12.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.report.sarif import sarif_log
from tests.pipeline.report.sarif_schema import schema_errors
from tests.pipeline.report.conftest import CONTRACTS_REJECTED, PAYLOAD, REPO, hostile, lineage, recorded

def _log(records: list[Any]) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(sarif_log(records))
    return log


@pytest.mark.parametrize("records", [recorded(), lineage(), [hostile()], []], ids=["recorded", "run", "hostile", "empty"])
def test_valid_against_the_official_schema(records: list[Any]) -> None:
    assert schema_errors(_log(records)) == []


def test_the_validator_does_reject_a_broken_log() -> None:
    log = _log(recorded())
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert len(schema_errors(log)) >= 2


def test_one_result_per_finding_in_the_patched_file() -> None:
    results = _log(recorded())["runs"][0]["results"]
    where = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results]
    # Relative to the repository, as code scanning wants (to the project outside a git checkout).
    planner = "corpus/tool-planner/planner" if (REPO / ".git").exists() else "planner"
    assert where == [
        ("contracts", f"{planner}/planner.py", 72),  # the `def` of the function the counterexample breaks
        ("equivalence", f"{planner}/planner.py", 72),
        ("benchmarks", f"{planner}/planner.py", 84),  # two slower benchmarks, at the change
        ("benchmarks", f"{planner}/planner.py", 84),
        ("policy", f"{planner}/tools.py", 123),  # Semgrep's line
        ("types", f"{planner}/memory.py", 8),  # mypy's line
    ]
    contracts = results[0]
    assert contracts["properties"]["candidate"] == CONTRACTS_REJECTED
    assert "input: first_over_budget([-1, -17869" in contracts["message"]["text"]
    assert "def test_first_over_budget_contract" in contracts["properties"]["reproduction"]
    assert all(r["level"] == "error" and r["kind"] == "fail" for r in results)


def test_rules_and_refusals() -> None:
    run = _log(lineage())["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["intake", "parse", "scope"]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [("scope", "error"), ("intake", "warning")]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_hostile_text_stays_data() -> None:
    text = sarif_log([hostile()])
    results = json.loads(text)["runs"][0]["results"]
    assert PAYLOAD in results[0]["message"]["text"]
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    # Paths that leave the project are kept as written, never resolved against the repository.
    artifacts = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in results[-2:]]
    assert artifacts == [{"uri": "/etc/passwd"}, {"uri": "../../outside.py"}]
