"""The verdict record: one per candidate, the unit every report format is written from."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from verifiers.base import Evidence, GateResult, Outcome, SkipReason, Strength
from verifiers.toolchain import toolchain

__all__ = ["CandidateRecord", "record_from_json", "record_to_json"]


@dataclass(frozen=True)
class CandidateRecord:
    id: str
    parent: str | None
    proposer: str
    edits: tuple[str, ...]  # each edit as canonical JSON text (empty for a raw patch)
    diff: str
    gates: tuple[GateResult, ...]
    admitted: bool
    summary: str
    speedup: float | None
    project: str
    kernel_digest: str
    created: str  # ISO 8601, UTC
    seconds: float
    # Python and every verdict-deciding tool, as (name, version): verdicts depend on them.
    toolchain: tuple[tuple[str, str], ...] = field(default_factory=toolchain)
    node: str = ""  # the Ray node that gated it (`--executor ray`); empty when gated here


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def record_to_json(record: CandidateRecord) -> str:
    payload = _plain(asdict(record))
    payload["edits"] = [json.loads(edit) for edit in record.edits]
    payload["toolchain"] = dict(record.toolchain)
    return json.dumps(payload, sort_keys=True, ensure_ascii=False)


def _evidence(data: dict[str, Any]) -> Evidence:
    measurements = tuple((str(k), float(v)) for k, v in data.get("data", ()))
    return Evidence(**{**data, "data": measurements})


def record_from_json(line: str) -> CandidateRecord:
    data = json.loads(line)
    gates = tuple(
        GateResult(
            gate=g["gate"], outcome=Outcome(g["outcome"]), summary=g["summary"],
            evidence=tuple(_evidence(e) for e in g["evidence"]), seconds=g["seconds"],
            strength=Strength(g["strength"]) if g.get("strength") else None,
            skip_reason=SkipReason(g["skip_reason"]) if g.get("skip_reason") else None,
            speedup=g.get("speedup"), tool_failure=g.get("tool_failure"),
        )
        for g in data["gates"]
    )
    edits = tuple(json.dumps(e, sort_keys=True) for e in data["edits"])
    # A record written before versions were kept names none (not this machine's).
    versions = data.get("toolchain") or {}
    toolchain = tuple((str(k), str(v)) for k, v in versions.items()) if isinstance(versions, dict) else ()
    return CandidateRecord(**{**data, "gates": gates, "edits": edits, "toolchain": toolchain})
