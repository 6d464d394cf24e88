"""`index.html`: the whole report in one self-contained page (inline CSS, JS and SVG; nothing
fetched), readable from file://. Every piece of record text is escaped: diffs and evidence are
written by whoever wrote the patch."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from pipeline import __version__
from pipeline.report.htmlpage.assets import CSP, CSS, SCRIPT
from pipeline.report.htmlpage.final import final_section, read_run
from pipeline.report.htmlpage.candidate import anchors, candidate_block, candidate_view
from pipeline.report.records import CandidateRecord
from pipeline.report.summary import ReportSummary, gate_order, rejecting_gates, summarise
from verifiers.toolchain import describe, toolchain

__all__ = ["render_page"]


def _facts(summary: ReportSummary, anchor_of: dict[str, str]) -> str:
    proposers = ", ".join(f"{name} ({count})" for name, count in summary.proposers)
    rows = [
        ("project", "<br>".join(f"<code>{escape(p)}</code>" for p in summary.projects) or "—"),
        ("kernel digest", "<br>".join(f"<code>{escape(d)}</code>" for d in summary.kernel_digests) or "—"),
        ("proposer", escape(proposers) or "—"),
        ("candidates", str(summary.candidates)),
        ("admitted", str(summary.admitted)),
        ("rejected", str(summary.rejected)),
        ("gating time", f"{summary.seconds:.1f} s"),
        *(("decided by", escape(describe(versions))) for versions in summary.toolchains),
    ]
    replayed = summary.replayed(toolchain())
    if replayed:
        rows.append(("read back under", escape(f"other versions than the verdicts': {', '.join(replayed)}")))
    if summary.best is not None and summary.best.speedup:
        rows.append(("best speed-up", f'<a href="#{anchor_of[summary.best.id]}">{escape(summary.best.id)}</a> '
                                      f"×{summary.best.speedup:.2f}"))
    rows += [(f"run: {escape(key)}", escape(value)) for key, value in summary.run]
    facts = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    stops = "".join(f"<li>{escape(gate)}: <b>{count}</b></li>" for gate, count in summary.rejected_by)
    stops_html = f'<h4>Rejected by gate (the first gate that rejected)</h4><ul class="stops">{stops}</ul>' if stops else ""
    broken = "".join(f"<li>{escape(tool)} at {escape(gate)}: <b>{count}</b></li>" for (tool, gate), count in summary.tool_failures)
    if broken:
        stops_html += ('<h4>Rejected because a tool failed (a fault of the analyser, not a finding about the variant)</h4>'
                       f'<ul class="stops tool-failures">{broken}</ul>')
    return f'<section id="summary"><h2>Summary</h2><dl class="facts">{facts}</dl>{stops_html}</section>'


def _filters(records: list[CandidateRecord]) -> str:
    admitted = sum(r.admitted for r in records)
    by_gate = Counter(g for r in records for g in rejecting_gates(r))
    options = "".join(f'<option value="{escape(g)}">rejected by {escape(g)} ({by_gate[g]})</option>'
                      for g in gate_order(records) if by_gate[g])
    radios = "".join(
        f'<label><input type="radio" name="outcome" value="{value}"{" checked" if value == "all" else ""}> '
        f"{value} ({count})</label>"
        for value, count in (("all", len(records)), ("admitted", admitted), ("rejected", len(records) - admitted))
    )
    return (f'<form id="filters"><fieldset><legend>outcome</legend>{radios}</fieldset>'
            f'<label>gate <select name="gate"><option value="">any</option>{options}</select></label>'
            '<label>search <input type="search" name="q" placeholder="id, proposer, text"></label>'
            '<button type="button" id="expand">expand all</button><button type="button" id="collapse">collapse all</button>'
            f'<span id="shown">{len(records)} shown</span></form>')


def _admitted(records: list[CandidateRecord], anchor_of: dict[str, str]) -> str:
    admitted = sorted((r for r in records if r.admitted), key=lambda r: -(r.speedup or 0.0))
    if not admitted:
        return ""
    rows = "".join(
        f'<tr><td><a href="#{anchor_of[r.id]}">{escape(r.id)}</a></td><td>{escape(r.proposer)}</td>'
        f'<td>{f"×{r.speedup:.2f}" if r.speedup else "—"}</td><td>{escape(_speedup_source(r))}</td></tr>'
        for r in admitted
    )
    return ('<section id="admitted"><h2>Admitted variants</h2><table class="list"><tr><th>candidate</th>'
            f"<th>proposer</th><th>speed-up</th><th>measured on</th></tr>{rows}</table></section>")


def _speedup_source(record: CandidateRecord) -> str:
    return next((g.summary for g in record.gates if g.speedup is not None), "")


def _lineage(records: list[CandidateRecord], anchor_of: dict[str, str]) -> str:
    """Which candidate came from which (`crucible run`); nothing for a report of single patches."""
    if not any(r.parent for r in records):
        return ""
    children: dict[str | None, list[CandidateRecord]] = {}
    for record in records:
        parent = record.parent if record.parent in anchor_of else None
        children.setdefault(parent, []).append(record)
    orphans = {r.parent for r in records if r.parent and r.parent not in anchor_of}
    seen: set[str] = set()

    def node(record: CandidateRecord) -> str:
        if record.id in seen:
            return ""
        seen.add(record.id)
        verdict = "admitted" if record.admitted else "rejected"
        speed = f" ×{record.speedup:.2f}" if record.admitted and record.speedup else ""
        kids = "".join(node(child) for child in children.get(record.id, []))
        return (f'<li><a href="#{anchor_of[record.id]}">{escape(record.id)}</a> '
                f'<span class="badge v-{verdict}">{verdict}</span>{escape(speed)} '
                f'<span class="prop">{escape(record.proposer)}</span>{f"<ul>{kids}</ul>" if kids else ""}</li>')

    roots = "".join(node(r) for r in children.get(None, []))
    roots += "".join(node(r) for r in records if r.id not in seen)  # parent cycles
    note = (f'<p class="meta">parents not in this report: {escape(", ".join(sorted(o for o in orphans if o)))}</p>'
            if orphans else "")
    return f'<section id="lineage"><h2>Lineage</h2>{note}<ul class="tree">{roots}</ul></section>'


def render_page(records: list[CandidateRecord], run: tuple[tuple[str, str], ...] = (),
                report_dir: Path | None = None) -> str:
    summary = summarise(records, run)
    ids = anchors(records)
    anchor_of: dict[str, str] = {}
    for record, anchor in zip(records, ids, strict=True):
        anchor_of.setdefault(record.id, anchor)
    blocks = "\n".join(candidate_block(candidate_view(r, a, report_dir), anchor_of) for r, a in zip(records, ids, strict=True))
    title = f"Crucible report — {summary.admitted} admitted, {summary.rejected} rejected"
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f'<p class="meta">written by crucible {escape(__version__)} at {generated} from verdicts.jsonl; '
        "every gate verdict with its evidence. <noscript>(Filters need JavaScript; everything is listed below.)</noscript></p>"
        f"{_facts(summary, anchor_of)}{final_section(read_run(report_dir), anchor_of)}{_admitted(records, anchor_of)}"
        f"{_lineage(records, anchor_of)}"
        f'<section id="candidates"><h2>Candidates</h2>{_filters(records)}\n{blocks or "<p class=none>no candidate yet</p>"}</section>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )
