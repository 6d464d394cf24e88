"""`verdicts.jsonl`: one line per candidate, the whole file replaced atomically on every write."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from pipeline.report.records import CandidateRecord, record_from_json, record_to_json
from verifiers.atomic import write_text_atomic

__all__ = ["VERDICTS", "append_record", "read_records"]

VERDICTS: Final = "verdicts.jsonl"


def read_records(report_dir: Path) -> list[CandidateRecord]:
    path = report_dir / VERDICTS
    if not path.is_file():
        return []
    return [record_from_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def append_record(report_dir: Path, record: CandidateRecord) -> Path:
    """Add one record; a reader sees the file before or after, never half of it."""
    path = report_dir / VERDICTS
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    write_text_atomic(path, existing + record_to_json(record) + "\n")
    return path
