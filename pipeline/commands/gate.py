"""`crucible gate`: judge one patch, print the verdict, write the report, exit 0/1."""

from __future__ import annotations

import argparse
from typing import TextIO

from rich.console import Console

from pipeline.cli_output import GateProgress, print_verdict
from pipeline.gating import GateOptions, gate_patch, load_target
from pipeline.patch import read_patch
from pipeline.report.jsonl import append_record
from verifiers.base import Isolation

__all__ = ["run_gate_command"]


def run_gate_command(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.cli import default_report_dir

    target = load_target(args.project)
    patch = read_patch(args.patch)
    report_dir = args.report_dir or default_report_dir(args.project, "gate")
    options = GateOptions(
        all_gates=args.all_gates,
        isolation=Isolation.WEAK if args.allow_weak_isolation else Isolation.STRICT,
    )
    console = Console(file=out, highlight=False, soft_wrap=True)
    with GateProgress(console) as progress:
        record = gate_patch(target, patch, options, observer=progress.observe)
    append_record(report_dir.resolve(), record)
    print_verdict(console, record)
    console.print(f"report: {report_dir.resolve()}")
    return 0 if record.admitted else 1
