"""`junit.xml`: a test suite per candidate, a test case per gate, for any CI test view.

fail is a <failure>, unknown and error are <error> (neither admits), skipped is <skipped>. A
patch refused before any gate ran is one <error> case named `intake`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Final

from pipeline.report.diffview import locate, parse_diff
from pipeline.report.records import CandidateRecord
from pipeline.report.summary import INTAKE, findings
from verifiers.base import GateResult, Outcome

__all__ = ["junit_xml"]

# Characters XML 1.0 cannot carry at all (tool output may contain them: NUL, ANSI escapes).
_NOT_XML: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _details(result: GateResult) -> str:
    lines = [f"{result.gate}: {result.outcome.value}: {result.summary}"]
    for item in findings(result) or result.evidence:
        where = f"{item.path}:{item.line}: " if item.path and item.line else (f"{item.path}: " if item.path else "")
        lines.append(f"{where}{item.message}")
        if item.excerpt:
            lines.append("    " + item.excerpt.replace("\n", "\n    "))
        if item.reproduction:
            lines.append("    counterexample test:\n        " + item.reproduction.replace("\n", "\n        "))
    return "\n".join(lines)


def _case(suite: ET.Element, record: CandidateRecord, result: GateResult) -> None:
    case = ET.SubElement(suite, "testcase", name=result.gate, classname=_text(f"crucible.{record.id}"),
                         time=f"{result.seconds:.3f}")
    found = findings(result)
    if found:
        located = locate(parse_diff(record.diff), found[0])
        if located.path:
            case.set("file", _text(located.path))
            if located.line:
                case.set("line", str(located.line))
    message = _text(f"{result.outcome.value}: {result.summary}")
    if result.outcome is Outcome.FAIL:
        ET.SubElement(case, "failure", message=message, type="fail").text = _text(_details(result))
    elif result.outcome in (Outcome.ERROR, Outcome.UNKNOWN):
        ET.SubElement(case, "error", message=message, type=result.outcome.value).text = _text(_details(result))
    elif result.outcome is Outcome.SKIPPED:
        reason = result.skip_reason.value if result.skip_reason else "skipped"
        ET.SubElement(case, "skipped", message=_text(f"{reason}: {result.summary}"))


def _suite(parent: ET.Element, record: CandidateRecord, position: int) -> dict[str, int]:
    gates = record.gates or (GateResult(INTAKE, Outcome.ERROR, record.summary),)
    counts = {
        "tests": len(gates),
        "failures": sum(g.outcome is Outcome.FAIL for g in gates),
        "errors": sum(g.outcome in (Outcome.ERROR, Outcome.UNKNOWN) for g in gates),
        "skipped": sum(g.outcome is Outcome.SKIPPED for g in gates),
    }
    attributes = {"name": _text(f"{record.id} ({record.proposer})"), "id": str(position),
                  "timestamp": _text(record.created), "time": f"{record.seconds:.3f}"}
    suite = ET.SubElement(parent, "testsuite", {**attributes, **{key: str(value) for key, value in counts.items()}})
    properties = ET.SubElement(suite, "properties")
    for name, value in (("candidate", record.id), ("parent", record.parent or ""), ("proposer", record.proposer),
                        ("admitted", str(record.admitted).lower()), ("speedup", "" if record.speedup is None else f"{record.speedup:.4g}"),
                        ("project", record.project), ("kernel_digest", record.kernel_digest)):
        ET.SubElement(properties, "property", name=name, value=_text(value))
    for result in gates:
        _case(suite, record, result)
    ET.SubElement(suite, "system-out").text = _text(f"{'admitted' if record.admitted else 'rejected'}: {record.summary}")
    return counts


def junit_xml(records: list[CandidateRecord]) -> str:
    root = ET.Element("testsuites", name="crucible")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for position, record in enumerate(records):
        for key, value in _suite(root, record, position).items():
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{sum(r.seconds for r in records):.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
