"""Counterexamples as files: each gate's ready-to-run pytest reproduction, written into the
report directory so a reviewer can run it against the original and the patched tree."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.report.records import CandidateRecord
from verifiers.atomic import write_text_atomic

__all__ = ["write_reproductions"]


def write_reproductions(report_dir: Path, record: CandidateRecord) -> list[Path]:
    written = []
    for result in record.gates:
        for index, evidence in enumerate(e for e in result.evidence if e.reproduction):
            assert evidence.reproduction is not None
            name = re.sub(r"\W+", "_", evidence.rule or "case").strip("_").lower()
            path = report_dir / "counterexamples" / record.id / f"test_{result.gate}_{name}_{index}.py"
            write_text_atomic(path, evidence.reproduction)
            written.append(path)
    return written
