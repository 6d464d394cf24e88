"""`crucible gate`: judge one patch, print the verdict, write the report, exit 0/1.

Input Crucible refuses (exit 2 or 3) still leaves a record in the report, so an auditor sees
every patch an agent tried, including the ones that never reached a gate.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from rich.console import Console

from pipeline.cli_output import GateProgress, print_verdict
from pipeline.errors import CrucibleError
from pipeline.gating import GateOptions, gate_patch, load_target, refusal_record
from pipeline.patch import read_patch
from pipeline.report.files import write_report_files
from pipeline.report.jsonl import append_record
from pipeline.report.records import CandidateRecord
from pipeline.report.reproductions import write_reproductions
from verifiers.base import Isolation

__all__ = ["run_gate_command"]


def run_gate_command(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.cli import budgets_from, default_report_dir

    report_dir = (args.report_dir or default_report_dir(args.project, "gate")).resolve()
    try:
        target = load_target(args.project)
        patch = read_patch(args.patch)
        options = GateOptions(
            all_gates=args.all_gates,
            isolation=Isolation.WEAK if args.allow_weak_isolation else Isolation.STRICT,
            budgets=budgets_from(args),
            many_verdicts=False,
        )
        console = Console(file=out, highlight=False, soft_wrap=True)
        with GateProgress(console) as progress:
            record = gate_patch(target, patch, options, observer=progress.observe)
    except CrucibleError as exc:
        append_record(report_dir, _refusal(args.project, args.patch, exc))
        write_report_files(report_dir)
        raise
    append_record(report_dir, record)
    print_verdict(console, record)
    for path in write_reproductions(report_dir, record):
        console.print(f"counterexample test: {path}")
    write_report_files(report_dir)
    console.print(f"report: {report_dir} (open {report_dir / 'index.html'})", markup=False)
    return 0 if record.admitted else 1


def _refusal(project: Path, patch: Path, exc: CrucibleError) -> CandidateRecord:
    """The record of a patch Crucible could not gate at all."""
    kind = "bad input" if exc.exit_code == 2 else "integrity"
    return refusal_record(project, patch, "patch", f"{kind}: {exc}")
