"""Counterexamples as files: each gate's ready-to-run pytest reproduction, written into the
report directory so a reviewer can run it against the original and the patched tree."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.report.records import CandidateRecord
from verifiers.atomic import write_text_atomic

__all__ = ["reproduction_path", "write_reproductions"]


def reproduction_path(record_id: str, gate: str, rule: str | None, index: int) -> str:
    """Where the gate's `index`-th reproduction goes, relative to the report directory."""
    name = re.sub(r"\W+", "_", rule or "case").strip("_").lower()
    return f"counterexamples/{record_id}/test_{gate}_{name}_{index}.py"


def write_reproductions(report_dir: Path, record: CandidateRecord) -> list[Path]:
    written = []
    for result in record.gates:
        for index, evidence in enumerate(e for e in result.evidence if e.reproduction):
            assert evidence.reproduction is not None
            path = report_dir / reproduction_path(record.id, result.gate, evidence.rule, index)
            write_text_atomic(path, evidence.reproduction)
            written.append(path)
    return written
