"""One candidate as an expandable HTML block: verdict line, gate timeline, evidence, diff."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

from pipeline.report.diffview import LineKind, locate, parse_diff
from pipeline.report.htmlpage.charts import timeline
from pipeline.report.htmlpage.evidence import CandidateView, gate_section, line_anchor
from pipeline.report.htmlpage.highlight import highlight_python
from pipeline.report.records import CandidateRecord
from pipeline.report.summary import rejecting_gates, stopped_by

__all__ = ["anchors", "candidate_block", "candidate_view", "diff_table"]

_SAFE_ID = re.compile(r"[A-Za-z][\w.:-]{0,80}")


def anchors(records: list[CandidateRecord]) -> list[str]:
    """A unique HTML id per record: its candidate id when safe (it normally is), made unique
    when the same patch was gated twice into one report."""
    taken: set[str] = set()
    result = []
    for position, record in enumerate(records):
        anchor = record.id if _SAFE_ID.fullmatch(record.id) else f"candidate-{position}"
        if anchor in taken:
            anchor = f"{anchor}-{position}"
        taken.add(anchor)
        result.append(anchor)
    return result


def candidate_view(record: CandidateRecord, anchor: str, report_dir: Path | None) -> CandidateView:
    return CandidateView(record, anchor, tuple(parse_diff(record.diff)), report_dir)


def _flags(view: CandidateView) -> dict[int, list[str]]:
    """Diff line index -> the findings that point at it."""
    flags: dict[int, list[str]] = {}
    for result in view.record.gates:
        if result.outcome.value == "pass":
            continue
        for item in result.evidence:
            index = locate(view.lines, item).index
            if index is not None:
                flags.setdefault(index, []).append(f"{result.gate}: {item.message}")
    return flags


def diff_table(view: CandidateView) -> str:
    """The diff, one row per line: old and new line numbers, colour by kind, Python highlighted,
    lines with findings marked (a finding's location links here)."""
    if not view.lines:
        return '<p class="none">no diff recorded</p>'
    flags = _flags(view)
    rows = []
    for index, line in enumerate(view.lines):
        body = line.text[1:] if line.kind in (LineKind.ADDED, LineKind.REMOVED, LineKind.CONTEXT) else line.text
        python = line.kind is not LineKind.HEADER and line.kind is not LineKind.HUNK and (line.path or "").endswith((".py", ".pyi"))
        code = highlight_python(body) if python else escape(body)
        sign = escape(line.text[:1]) if line.kind in (LineKind.ADDED, LineKind.REMOVED) else " "
        found = flags.get(index)
        mark = (f'<td class="mark" title="{escape(chr(10).join(found))}">●</td>' if found else '<td class="mark"></td>')
        old = "" if line.old is None else str(line.old)
        new = "" if line.new is None else str(line.new)
        flag = " flag" if found else ""
        rows.append(f'<tr id="{line_anchor(view, index)}" class="l-{line.kind.value}{flag}">{mark}'
                    f'<td class="ln">{old}</td><td class="ln">{new}</td>'
                    f'<td class="src"><span class="sign">{sign}</span>{code}</td></tr>')
    return f'<div class="diffwrap"><table class="diff">{"".join(rows)}</table></div>'


def _edits(record: CandidateRecord) -> str:
    if not record.edits:
        return ""
    text = "\n".join(json.dumps(json.loads(e), indent=2, ensure_ascii=False) for e in record.edits)
    return f'<details class="edits"><summary>edits ({len(record.edits)})</summary><pre class="excerpt">{escape(text)}</pre></details>'


def _headline(record: CandidateRecord, anchor_of: dict[str, str]) -> str:
    parent = ""
    if record.parent:
        target = anchor_of.get(record.parent)
        link = f'<a href="#{target}">{escape(record.parent)}</a>' if target else escape(record.parent)
        parent = f" · parent {link}"
    return (f'<p class="meta">proposer <b>{escape(record.proposer)}</b>{parent} · {escape(record.created)} · '
            f'{record.seconds:.1f} s · project <code>{escape(record.project)}</code></p>'
            f'<p class="verdict">{escape(record.summary)}</p>')


def candidate_block(view: CandidateView, anchor_of: dict[str, str]) -> str:
    record = view.record
    outcome = "admitted" if record.admitted else "rejected"
    stop = stopped_by(record)
    gates = " ".join(rejecting_gates(record))
    search = " ".join([record.id, record.proposer, record.summary, record.diff[:2000]]).lower()
    speedup = f'<span class="spd">×{record.speedup:.2f}</span>' if record.admitted and record.speedup else ""
    stopped = f'<span class="stop">stopped by {escape(stop)}</span>' if stop else ""
    summary = (f'<summary><span class="cid">{escape(record.id)}</span> '
               f'<span class="badge v-{outcome}">{outcome}</span> {stopped}{speedup}'
               f'<span class="prop">{escape(record.proposer)}</span>'
               f'<span class="secs">{record.seconds:.1f} s</span>'
               f'<span class="csum">{escape(record.summary)}</span></summary>')
    sections = "".join(gate_section(view, result) for result in record.gates)
    body = (f'<div class="cbody">{_headline(record, anchor_of)}'
            f'<h4>Gates</h4>{timeline(record.gates) or "<p class=none>no gate ran</p>"}{sections}'
            f'<h4>Diff</h4>{diff_table(view)}{_edits(record)}</div>')
    return (f'<details class="cand" id="{view.anchor}" data-outcome="{outcome}" data-gates="{escape(gates)}" '
            f'data-text="{escape(search)}">{summary}{body}</details>')
