"""Terminal rendering of verdicts and progress (rich; plain lines when not a terminal).

Record text (summaries, evidence, proposer labels) is escaped before it meets rich markup: a mypy
message about `list[str]` must print as written, and a patch cannot restyle the terminal.
"""

from __future__ import annotations

import threading
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from pipeline.report.records import CandidateRecord
from pipeline.report.summary import blamed_tool
from verifiers.base import GateResult, Outcome

__all__ = ["GateProgress", "RunProgress", "candidate_line", "gate_line", "print_verdict"]

STYLE = {
    Outcome.PASS: "green", Outcome.FAIL: "red", Outcome.UNKNOWN: "yellow",
    Outcome.ERROR: "magenta", Outcome.SKIPPED: "dim",
}
EVIDENCE_SHOWN = 5


def _gate_count() -> int:
    from verifiers.registry import GATE_NAMES  # imported late: `crucible report` needs no gates

    return len(GATE_NAMES)


def _bar(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=24), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=True,
    )


class GateProgress:
    """One candidate on a terminal: a live bar with the gate in flight and the gates done; every
    finished gate printed as a line above it (and only those lines when not a terminal)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> GateProgress:
        if self.console.is_terminal:
            self.progress = _bar(self.console)
            self.task = self.progress.add_task("starting", total=_gate_count())
            self.progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.progress is not None:
            self.progress.stop()

    def observe(self, gate: str, result: GateResult | None) -> None:
        if result is None:
            if self.progress is not None and self.task is not None:
                self.progress.update(self.task, description=f"gate [bold]{escape(gate)}[/bold] …")
            return
        self.console.print(gate_line(result))
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task)


class RunProgress:
    """Many candidates: an overall bar (candidates done of the budget, admitted and rejected so
    far) and a row per candidate in flight with its gate. Each finished candidate is printed as
    one line. Thread-safe: a gate is shown on the row of the candidate its thread announced with
    `candidate()` (or the one named by `candidate=`), else on the overall bar."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.overall: TaskID | None = None
        self.rows: dict[str, TaskID] = {}
        self.labels: dict[str, str] = {}
        self.threads: dict[int, str] = {}  # thread -> the candidate it is gating
        self.admitted = self.rejected = 0
        self.lock = threading.Lock()
        self.last_status = ""
        self.status_row: TaskID | None = None

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def start(self, total: int | None) -> None:
        """Begin the display; `total` is the candidate budget (None when only time limits it)."""
        with self.lock:
            if self.progress is None and self.console.is_terminal:
                self.progress = _bar(self.console)
                self.progress.start()
            if self.progress is not None and self.overall is None:
                self.overall = self.progress.add_task(self._tally(), total=total)

    def stop(self) -> None:
        with self.lock:
            if self.progress is not None:
                self.progress.stop()
                self.progress = None

    def _tally(self) -> str:
        return f"candidates · [green]{self.admitted} admitted[/green] · [red]{self.rejected} rejected[/red]"

    def candidate(self, id: str, label: str = "") -> None:
        with self.lock:
            self.threads[threading.get_ident()] = id
            self.labels[id] = label
            if self.progress is not None:
                self.rows[id] = self.progress.add_task(self._row(id, "starting"), total=_gate_count())

    def _row(self, id: str, gate: str) -> str:
        label = f" {escape(self.labels.get(id, ''))}" if self.labels.get(id) else ""
        return f"  [bold]{escape(id)}[/bold]{label} · {escape(gate)}"

    def observe(self, gate: str, result: GateResult | None, candidate: str | None = None) -> None:
        with self.lock:
            if self.progress is None:
                return
            id = candidate or self.threads.get(threading.get_ident())
            row = self.rows.get(id) if id is not None else None
            doing = f"gate {gate} …" if result is None else f"{gate} {result.outcome.value}"
            if row is not None and id is not None:
                self.progress.update(row, description=self._row(id, doing), advance=0 if result is None else 1)
            elif self.overall is not None:
                self.progress.update(self.overall, description=f"{self._tally()} · {escape(doing)}")

    def status(self, text: str) -> None:
        """A line about where the work runs (a cluster's nodes and busy slots): a row of its own on
        a terminal, else printed when it changes."""
        with self.lock:
            if text == self.last_status:
                return
            self.last_status = text
            if self.progress is not None:
                if self.status_row is None:
                    self.status_row = self.progress.add_task(escape(text), total=None)
                else:
                    self.progress.update(self.status_row, description=escape(text))
                return
        self.console.print(text, markup=False)

    def finished(self, record: CandidateRecord) -> None:
        with self.lock:
            if record.admitted:
                self.admitted += 1
            else:
                self.rejected += 1
            row = self.rows.pop(record.id, None)
            self.threads = {t: c for t, c in self.threads.items() if c != record.id}
            if self.progress is not None:
                if row is not None:
                    self.progress.remove_task(row)
                if self.overall is not None:
                    self.progress.update(self.overall, description=self._tally(), advance=1)
            label = self.labels.pop(record.id, "")
        self.console.print(candidate_line(record, label))


def gate_line(result: GateResult) -> str:
    style = STYLE[result.outcome]
    strength = f" ({result.strength.value})" if result.strength else ""
    return (
        f"  {escape(result.gate):<12} [{style}]{result.outcome.value:<8}[/{style}] "
        f"{result.seconds:7.2f}s  {escape(result.summary)}{strength}"
    )


def candidate_line(record: CandidateRecord, label: str = "") -> str:
    """One finished candidate: verdict, id, what it was, and the speed-up or what stopped it."""
    what = f" ({escape(label)})" if label else ""
    if record.admitted:
        speedup = f" speed-up ×{record.speedup:.2f}" if record.speedup else ""
        return f"[green]✓ admitted[/green] [bold]{escape(record.id)}[/bold]{what}{speedup}  {record.seconds:.1f}s{_node(record)}"
    return (f"[red]✗ rejected[/red] [bold]{escape(record.id)}[/bold]{what} {escape(record.summary)}  {record.seconds:.1f}s"
            f"{_node(record)}")


def _node(record: CandidateRecord) -> str:
    return f" [dim]on node {escape(record.node[:12])}[/dim]" if record.node else ""


def print_verdict(console: Console, record: CandidateRecord) -> None:
    if record.admitted:
        speedup = f" (speed-up ×{record.speedup:.2f})" if record.speedup else ""
        console.print(f"[bold green]ADMITTED[/bold green] {escape(record.id)}{speedup}")
        return
    console.print(f"[bold red]REJECTED[/bold red] {escape(record.id)}: {escape(record.summary)}")
    tool = blamed_tool(record)
    if tool is not None:
        console.print(f"    because a tool failed ({tool}), not because of a finding about the variant", markup=False)
    for result in record.gates:
        if result.outcome in (Outcome.PASS, Outcome.SKIPPED):
            continue
        for item in result.evidence[:EVIDENCE_SHOWN]:
            where = f"{item.path}:{item.line}: " if item.path and item.line else (f"{item.path}: " if item.path else "")
            console.print(f"    {result.gate}: {where}{item.message}", markup=False)
        hidden = len(result.evidence) - EVIDENCE_SHOWN
        if hidden > 0:
            console.print(f"    … and {hidden} more (crucible show)")
