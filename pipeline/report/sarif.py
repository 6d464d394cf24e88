"""`crucible.sarif`: SARIF 2.1.0 for code scanning (GitHub and others), one result per finding of a
rejecting gate, located in the patched file.

Paths are made relative to the enclosing git repository when there is one (code scanning maps
alerts to files by repository-relative URI), else to the project.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Final
from urllib.parse import quote

from pipeline import __version__
from pipeline.report.diffview import DiffLine, Located, LineKind, changed_paths, locate, parse_diff
from pipeline.report.records import CandidateRecord
from pipeline.report.summary import INTAKE, findings, gate_order
from verifiers.base import Evidence, GateResult, Outcome

__all__ = ["SARIF_SCHEMA", "sarif_log"]

SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
_ROOT: Final = "%SRCROOT%"
_LEVEL: Final = {Outcome.FAIL: "error", Outcome.UNKNOWN: "warning", Outcome.ERROR: "warning"}


@cache
def _descriptions() -> dict[str, str]:
    from verifiers.registry import GATES  # every gate's own DESCRIPTION, imported only when writing

    return {gate.NAME: gate.DESCRIPTION for gate in GATES} | {INTAKE: "the patch, config and kernel lock are usable"}


def _repository_root(project: Path) -> Path:
    for folder in (project, *project.parents):
        if (folder / ".git").exists():
            return folder
    return project


def _artifact(project: Path, path: str) -> dict[str, str]:
    """The file's URI relative to the repository; a path that leaves it (absolute, `..`: a
    hostile or broken patch) is kept as written, without a base."""
    root = _repository_root(project)
    full = Path(os.path.normpath(project / path))
    if full.is_relative_to(root) and not Path(path).is_absolute():
        return {"uri": quote(full.relative_to(root).as_posix()), "uriBaseId": _ROOT}
    return {"uri": quote(path)}


def _fallback(lines: list[DiffLine], located: Located) -> Located:
    """A finding with no line (a failing test, a whole-gate error) is put at the first changed
    line of its file, or of the first changed file."""
    paths = changed_paths(lines)
    path = located.path if located.path in paths else (paths[0] if paths else located.path)
    first = next((line for line in lines if line.path == path and line.new is not None
                  and line.kind is LineKind.ADDED), None)
    first = first or next((line for line in lines if line.path == path and line.new is not None), None)
    return Located(path, first.new if first else None, None)


def _location(record: CandidateRecord, lines: list[DiffLine], item: Evidence | None) -> list[dict[str, object]]:
    located = locate(lines, item) if item is not None else Located(None, None, None)
    if located.line is None or located.path is None:
        located = _fallback(lines, located)
    if located.path is None:
        return []
    project = Path(record.project) if record.project else Path.cwd()
    physical: dict[str, object] = {"artifactLocation": _artifact(project, located.path)}
    if located.line is not None and located.line > 0:
        physical["region"] = {"startLine": located.line}
    return [{"physicalLocation": physical}]


def _message(result: GateResult, item: Evidence | None) -> str:
    if item is None:
        return f"{result.gate}: {result.outcome.value}: {result.summary}"
    text = f"{result.gate}: {item.message}"
    return f"{text}\n{item.excerpt}" if item.excerpt else text


def _result(record: CandidateRecord, lines: list[DiffLine], result: GateResult, item: Evidence | None,
            rule_index: int) -> dict[str, object]:
    message = _message(result, item)
    properties: dict[str, object] = {"candidate": record.id, "proposer": record.proposer, "outcome": result.outcome.value}
    if item is not None and item.rule:
        properties["finding"] = item.rule
    if item is not None and item.reproduction:
        properties["reproduction"] = item.reproduction
    if result.tool_failure:
        properties["toolFailure"] = result.tool_failure  # the analyser failed, not the variant
    fingerprint = hashlib.sha256(f"{record.id}\0{result.gate}\0{message}".encode()).hexdigest()[:32]
    return {
        "ruleId": result.gate, "ruleIndex": rule_index, "level": _LEVEL.get(result.outcome, "error"), "kind": "fail",
        "message": {"text": message}, "locations": _location(record, lines, item),
        "partialFingerprints": {"crucibleFinding/v1": fingerprint}, "properties": properties,
    }


def _results(record: CandidateRecord, rules: list[str]) -> list[dict[str, object]]:
    lines = parse_diff(record.diff)
    if not record.gates and not record.admitted:
        refusal = GateResult(INTAKE, Outcome.ERROR, record.summary)
        return [_result(record, lines, refusal, None, rules.index(INTAKE))]
    out = []
    for result in record.gates:
        if result.outcome not in _LEVEL:
            continue
        items: list[Evidence | None] = list(findings(result)) or [None]
        out += [_result(record, lines, result, item, rules.index(result.gate)) for item in items]
    return out


def _rule(name: str) -> dict[str, object]:
    description = _descriptions().get(name, f"the {name} gate")
    return {"id": name, "name": name, "shortDescription": {"text": f"Crucible gate `{name}`: {description}"},
            "defaultConfiguration": {"level": "error"}}


def sarif_log(records: list[CandidateRecord]) -> str:
    rules = gate_order(records)
    results = [r for record in records for r in _results(record, rules)]
    projects = sorted({r.project for r in records if r.project})
    root = _repository_root(Path(projects[0])) if projects else Path.cwd()
    run = {
        "tool": {"driver": {"name": "Crucible", "version": __version__, "semanticVersion": __version__,
                            "rules": [_rule(name) for name in rules]},
                 # The versions that decided the verdicts (of the first record: `crucible report` lists all).
                 "extensions": [{"name": name, "version": version} for name, version in (records[0].toolchain if records else ())]},
        "originalUriBaseIds": {_ROOT: {"uri": root.resolve().as_uri() + "/"}},
        "invocations": [{"executionSuccessful": True}],
        "results": results,
        "properties": {"candidates": len(records), "admitted": sum(r.admitted for r in records)},
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False) + "\n"
