"""Terminal rendering of verdicts and progress (rich; plain text when not a terminal)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.status import Status

from pipeline.report.records import CandidateRecord
from verifiers.base import GateResult, Outcome

__all__ = ["GateProgress", "print_verdict"]

STYLE = {
    Outcome.PASS: "green", Outcome.FAIL: "red", Outcome.UNKNOWN: "yellow",
    Outcome.ERROR: "magenta", Outcome.SKIPPED: "dim",
}
EVIDENCE_SHOWN = 5


class GateProgress:
    """Shows the gate in flight on a terminal; prints each finished gate as a line."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.status: Status | None = None

    def __enter__(self) -> GateProgress:
        if self.console.is_terminal:
            self.status = self.console.status("starting")
            self.status.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.status is not None:
            self.status.stop()

    def observe(self, gate: str, result: GateResult | None) -> None:
        if result is None:
            if self.status is not None:
                self.status.update(f"gate [bold]{gate}[/bold] …")
            return
        self.console.print(gate_line(result))


def gate_line(result: GateResult) -> str:
    style = STYLE[result.outcome]
    strength = f" ({result.strength.value})" if result.strength else ""
    return (
        f"  {result.gate:<12} [{style}]{result.outcome.value:<8}[/{style}] "
        f"{result.seconds:7.2f}s  {result.summary}{strength}"
    )


def print_verdict(console: Console, record: CandidateRecord) -> None:
    if record.admitted:
        speedup = f" (speed-up ×{record.speedup:.2f})" if record.speedup else ""
        console.print(f"[bold green]ADMITTED[/bold green] {record.id}{speedup}")
        return
    console.print(f"[bold red]REJECTED[/bold red] {record.id}: {record.summary}")
    for result in record.gates:
        if result.outcome in (Outcome.PASS, Outcome.SKIPPED):
            continue
        for item in result.evidence[:EVIDENCE_SHOWN]:
            where = f"{item.path}:{item.line}: " if item.path and item.line else (f"{item.path}: " if item.path else "")
            console.print(f"    {result.gate}: {where}{item.message}", markup=False)
        hidden = len(result.evidence) - EVIDENCE_SHOWN
        if hidden > 0:
            console.print(f"    … and {hidden} more (crucible show)")
