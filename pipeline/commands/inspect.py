"""`crucible report` and `crucible show`: read a report directory back on the terminal.

Record text goes to rich as `Text` or with markup escaped: it is whatever the patch made tools
print, and must show as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from pipeline.cli_output import STYLE
from pipeline.errors import BadInput
from pipeline.report.files import INDEX
from pipeline.headline import describe as describe_headline
from pipeline.report.htmlpage.evidence import counterexample_fields
from pipeline.report.htmlpage.final import read_run
from pipeline.report.jsonl import VERDICTS, read_records
from pipeline.report.records import CandidateRecord
from pipeline.report.summary import blamed_tool, read_run_info, stopped_by, summarise
from verifiers.base import Evidence, GateResult, Outcome
from verifiers.toolchain import describe, differences, toolchain

__all__ = ["print_candidate", "print_report"]


def _records(report_dir: Path) -> list[CandidateRecord]:
    if not (report_dir / VERDICTS).is_file():
        raise BadInput(f"{report_dir}: no {VERDICTS} here (not a Crucible report directory)")
    return read_records(report_dir)


def _facts(report_dir: Path, records: list[CandidateRecord]) -> Table:
    summary = summarise(records, read_run_info(report_dir))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    rows = [
        ("project", "\n".join(summary.projects) or "—"),
        ("kernel digest", "\n".join(summary.kernel_digests) or "—"),
        ("proposer", ", ".join(f"{name} ({count})" for name, count in summary.proposers) or "—"),
        ("candidates", f"{summary.candidates}: {summary.admitted} admitted, {summary.rejected} rejected"),
        ("rejected by", ", ".join(f"{gate} {count}" for gate, count in summary.rejected_by) or "—"),
        *((("a tool failed", ", ".join(f"{tool} at {gate}: {count}" for (tool, gate), count in summary.tool_failures)),)
          if summary.tool_failures else ()),
        ("gating time", f"{summary.seconds:.1f} s"),
        *(("decided by", describe(versions)) for versions in summary.toolchains),
        *summary.run,
    ]
    replayed = summary.replayed(toolchain())
    if replayed:
        rows.append(("replayed here", f"under other versions than the verdicts': {', '.join(replayed)}"))
    run = read_run(report_dir)
    if isinstance(run.get("headline"), dict):
        members = run.get("final", {}).get("members", []) if isinstance(run.get("final"), dict) else []
        rows.insert(0, ("headline", f"{describe_headline(run['headline'])}; {len(members)} improvement(s) in final.diff"))
    for key, value in rows:
        facts.add_row(key, Text(value))
    return facts


def print_report(report_dir: Path, out: TextIO) -> int:
    records = _records(report_dir)
    console = Console(file=out, highlight=False)
    console.print(Panel(_facts(report_dir, records), title=f"Crucible report {escape(str(report_dir))}", title_align="left"))
    table = Table(show_edge=False, header_style="bold")
    width = max((len(r.id) for r in records), default=2)
    table.add_column("id", min_width=width, no_wrap=True)  # ids are copied from here: never cut
    table.add_column("parent", min_width=min(width, max((len(r.parent or "") for r in records), default=0)))
    for column in ("proposer", "verdict", "stopped by"):
        table.add_column(column)
    table.add_column("speed-up", justify="right")
    table.add_column("seconds", justify="right")
    for record in records:
        verdict = Text("admitted", style="green") if record.admitted else Text("rejected", style="red")
        speedup = f"×{record.speedup:.2f}" if record.admitted and record.speedup else ""
        tool = blamed_tool(record)
        stop = f"{stopped_by(record)} ({tool} failed)" if tool else stopped_by(record) or ""
        table.add_row(Text(record.id), Text(record.parent or ""), Text(record.proposer), verdict,
                      Text(stop), speedup, f"{record.seconds:.1f}")
    console.print(table)
    index = report_dir / INDEX
    if index.is_file():
        console.print(f"open {escape(str(index))} for the diffs and evidence, or: crucible show {escape(str(report_dir))} ID")
    return 0


def _pick(records: list[CandidateRecord], candidate: str, report_dir: Path) -> CandidateRecord:
    matches = [r for r in records if r.id.startswith(candidate)]
    if not matches or len({r.id for r in matches}) > 1:
        found = "no" if not matches else "more than one"
        raise BadInput(f"{candidate}: {found} candidate with that id in {report_dir}")
    return matches[-1]  # the same patch gated twice: its latest verdict


def _evidence(item: Evidence) -> RenderableType:
    where = f"{item.path}:{item.line}" if item.path and item.line else (item.path or "")
    head = Text(item.message, style="bold")
    if where or item.rule:
        head.append(f"\n{where}  {item.rule or ''}".rstrip(), style="dim")
    parts: list[RenderableType] = [head]
    fields = counterexample_fields(item.excerpt)
    if fields:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold yellow")
        grid.add_column()
        for key, value in fields:
            grid.add_row(key, Text(value))
        parts.append(grid)
    elif item.excerpt:
        parts.append(Text(item.excerpt, style="dim"))
    if item.reproduction:
        parts.append(Text("counterexample test (passes on the original, fails on the variant):", style="italic"))
        parts.append(Syntax(item.reproduction, "python", theme="ansi_dark", word_wrap=True))
    return Group(*parts)


def _gate_panel(result: GateResult) -> Panel:
    style = STYLE[result.outcome]
    title = f"[{style}]{escape(result.gate)}: {result.outcome.value}[/{style}] {result.seconds:.2f}s"
    body = Group(Text(result.summary), *(_evidence(item) for item in result.evidence))
    return Panel(body, title=title, title_align="left", border_style=style)


def print_candidate(report_dir: Path, candidate: str, out: TextIO) -> int:
    record = _pick(_records(report_dir), candidate, report_dir)
    console = Console(file=out, highlight=False, soft_wrap=False)
    verdict = "[green]admitted[/green]" if record.admitted else "[red]rejected[/red]"
    parent = f" · parent {escape(record.parent)}" if record.parent else ""
    console.print(f"[bold]{escape(record.id)}[/bold] {verdict} · {escape(record.proposer)}{parent} · {record.seconds:.1f}s")
    console.print(Text(record.summary))
    console.print(Text(f"decided by {describe(record.toolchain)}", style="dim"))
    replayed = differences(record.toolchain, toolchain())
    if replayed:
        console.print(Text(f"replayed under other versions than the verdict's: {', '.join(replayed)}", style="yellow"))
    gates = Table(show_edge=False, header_style="bold")
    for column in ("gate", "outcome", "seconds", "strength"):
        gates.add_column(column, no_wrap=True)
    gates.add_column("summary", ratio=1)
    for result in record.gates:
        gates.add_row(result.gate, Text(result.outcome.value, style=STYLE[result.outcome]), f"{result.seconds:.2f}",
                      result.strength.value if result.strength else "", Text(result.summary))
    console.print(gates)
    if record.diff:
        console.print(Panel(Syntax(record.diff, "diff", theme="ansi_dark", word_wrap=True), title="diff", title_align="left"))
    for result in record.gates:
        if result.evidence or result.outcome not in (Outcome.PASS, Outcome.SKIPPED):
            console.print(_gate_panel(result))
    return 0
