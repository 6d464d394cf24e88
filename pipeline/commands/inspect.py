"""`crucible report` and `crucible show`: read a report directory back."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table

from pipeline.cli_output import gate_line
from pipeline.errors import BadInput
from pipeline.report.jsonl import VERDICTS, read_records
from pipeline.report.records import CandidateRecord

__all__ = ["print_candidate", "print_report"]


def _records(report_dir: Path) -> list[CandidateRecord]:
    if not (report_dir / VERDICTS).is_file():
        raise BadInput(f"{report_dir}: no {VERDICTS} here (not a Crucible report directory)")
    return read_records(report_dir)


def print_report(report_dir: Path, out: TextIO) -> int:
    records = _records(report_dir)
    console = Console(file=out, highlight=False)
    table = Table(title=f"{report_dir} — {len(records)} candidate(s)")
    for column in ("id", "proposer", "verdict", "stopped by", "speed-up", "seconds"):
        table.add_column(column)
    for record in records:
        stopped = "" if record.admitted else record.summary.split(":", 1)[0]
        speedup = f"×{record.speedup:.2f}" if record.speedup else ""
        verdict = "[green]admitted[/green]" if record.admitted else "[red]rejected[/red]"
        table.add_row(record.id, record.proposer, verdict, stopped, speedup, f"{record.seconds:.1f}")
    console.print(table)
    admitted = sum(r.admitted for r in records)
    console.print(f"admitted {admitted}, rejected {len(records) - admitted}")
    return 0


def print_candidate(report_dir: Path, candidate: str, out: TextIO) -> int:
    matches = [r for r in _records(report_dir) if r.id.startswith(candidate)]
    if len(matches) != 1:
        raise BadInput(f"{candidate}: {'no' if not matches else 'more than one'} candidate with that id in {report_dir}")
    record = matches[0]
    console = Console(file=out, highlight=False, soft_wrap=True)
    console.print(f"[bold]{record.id}[/bold] ({record.proposer}) — {'admitted' if record.admitted else 'rejected'}: {record.summary}")
    console.print(record.diff, markup=False)
    for result in record.gates:
        console.print(gate_line(result))
        for item in result.evidence:
            where = f"{item.path}:{item.line}: " if item.path and item.line else ""
            console.print(f"      {where}{item.message}", markup=False)
            if item.excerpt:
                console.print("        " + item.excerpt.replace("\n", "\n        "), markup=False)
    return 0
