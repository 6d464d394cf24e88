"""junit.xml: a test suite per candidate, a test case per gate, counts that add up."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline.report.junit import junit_xml
from tests.pipeline.report.conftest import CONTRACTS_REJECTED, PAYLOAD, hostile, lineage, record, recorded


def test_a_suite_per_candidate_and_a_case_per_gate() -> None:
    records = recorded()
    root = ET.fromstring(junit_xml(records))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [f"{r.id} ({r.proposer})" for r in records]
    for suite, item in zip(suites, records, strict=True):
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [g.gate for g in item.gates]
        assert int(suite.get("tests", "")) == len(cases) == 8
        assert int(suite.get("failures", "")) == len(suite.findall("testcase/failure"))
        assert int(suite.get("errors", "")) == len(suite.findall("testcase/error"))
    assert int(root.get("tests", "")) == 48
    assert int(root.get("failures", "")) == sum(int(s.get("failures", "")) for s in suites) == 5


def test_failures_carry_the_evidence() -> None:
    root = ET.fromstring(junit_xml(recorded()))
    suite = next(s for s in root.findall("testsuite") if s.get("name", "").startswith(CONTRACTS_REJECTED))
    contracts = suite.find("testcase[@name='contracts']")
    assert contracts is not None and (contracts.get("file"), contracts.get("line")) == ("planner/planner.py", "72")
    failure = contracts.find("failure")
    assert failure is not None and failure.text is not None
    assert "input: first_over_budget([-1, -17869" in failure.text
    assert "def test_first_over_budget_contract" in failure.text
    assert suite.find("properties/property[@name='admitted']") is not None


def test_outcomes_map_to_failure_error_skipped() -> None:
    from verifiers.base import GateResult, Outcome, SkipReason

    gates = (
        GateResult("parse", Outcome.PASS, "ok"), GateResult("scope", Outcome.FAIL, "no"),
        GateResult("tests", Outcome.UNKNOWN, "hang"), GateResult("types", Outcome.ERROR, "mypy crashed"),
        GateResult("benchmarks", Outcome.SKIPPED, "not run", skip_reason=SkipReason.NOT_RUN),
    )
    root = ET.fromstring(junit_xml([record("c-x", False, gates), *lineage()]))
    suite = root.findall("testsuite")[0]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("5", "1", "2", "1")
    kinds = {c.get("name"): [child.tag for child in c] for c in suite.findall("testcase")}
    assert kinds == {"parse": [], "scope": ["failure"], "tests": ["error"], "types": ["error"], "benchmarks": ["skipped"]}
    refused = root.findall("testsuite")[-1]
    assert [c.get("name") for c in refused.findall("testcase")] == ["intake"] and refused.get("errors") == "1"


def test_text_xml_cannot_carry_is_replaced() -> None:
    bad = record("c-ctrl", False, summary="NUL \x00 and escape \x1b[31m", diff=f"+{PAYLOAD}")
    root = ET.fromstring(junit_xml([bad, hostile()]))
    text = ET.tostring(root, encoding="unicode")
    assert "\ufffd" in text and "<script>" not in text
