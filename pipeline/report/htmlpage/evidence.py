"""One gate's verdict and evidence as HTML: findings linked to the diff line they point at,
counterexamples with both behaviours, the generated pytest test, benchmark charts."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Final
from urllib.parse import quote

from pipeline.report.diffview import DiffLine, locate
from pipeline.report.htmlpage.charts import benchmark_chart, benchmark_points
from pipeline.report.htmlpage.highlight import highlight_python
from pipeline.report.records import CandidateRecord
from pipeline.report.reproductions import reproduction_path
from verifiers.admit import accepts
from verifiers.base import Evidence, GateResult

__all__ = ["CandidateView", "counterexample_fields", "gate_section", "line_anchor"]

_FIELDS: Final = ("input", "condition", "original", "variant")


@dataclass(frozen=True)
class CandidateView:
    """A record with what rendering it needs: its anchor, its parsed diff, where the report is."""

    record: CandidateRecord
    anchor: str
    lines: tuple[DiffLine, ...]
    report_dir: Path | None


def line_anchor(view: CandidateView, index: int) -> str:
    return f"{view.anchor}-d{index}"


def counterexample_fields(excerpt: str) -> list[tuple[str, str]]:
    """`input: …` / `original: …` / `variant: …` lines of a formal gate's excerpt, or nothing."""
    fields: list[tuple[str, str]] = []
    for line in excerpt.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key in _FIELDS and key not in dict(fields):
            fields.append((key, value))
        elif fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + "\n" + line)
        else:
            return []
    names = dict(fields)
    return fields if "input" in names and len(names) > 1 else []


def _code_block(source: str) -> str:
    rows = "\n".join(highlight_python(line) for line in source.splitlines())
    return f'<pre class="code"><code>{rows}</code></pre>'


def _reproduction(view: CandidateView, result: GateResult, item: Evidence, index: int) -> str:
    assert item.reproduction is not None
    relative = reproduction_path(view.record.id, result.gate, item.rule, index)
    intro = "Counterexample as a pytest test: passes on the original, fails on the variant."
    if view.report_dir is not None and (view.report_dir / relative).is_file():
        command = f"python -m pytest {view.report_dir / relative}"
        intro = (f'Counterexample as a pytest test (<a href="{escape(quote(relative))}">{escape(relative)}</a>): '
                 f"passes on the original, fails on the variant. From the project root: <code>{escape(command)}</code>")
    return f'<div class="repro"><p>{intro}</p>{_code_block(item.reproduction)}</div>'


def _where(view: CandidateView, item: Evidence) -> str:
    located = locate(view.lines, item)
    if located.path is None:
        return ""
    text = f"{located.path}:{located.line}" if located.line is not None else located.path
    if located.index is not None:
        return f'<a class="loc" href="#{line_anchor(view, located.index)}">{escape(text)}</a>'
    note = " (not in the diff)" if located.line is not None else ""
    return f'<span class="loc">{escape(text)}{note}</span>'


def _item(view: CandidateView, result: GateResult, item: Evidence, repro_index: int) -> str:
    where = _where(view, item)
    rule = f'<span class="rule">{escape(item.rule)}</span>' if item.rule else ""
    parts = [f'<li class="ev"><div class="msg">{escape(item.message)}</div>']
    if where or rule:
        parts.append(f'<div class="where">{where} {rule}</div>')
    fields = counterexample_fields(item.excerpt)
    if fields:
        rows = "".join(f"<dt>{escape(k)}</dt><dd><code>{escape(v)}</code></dd>" for k, v in fields)
        parts.append(f'<dl class="cex">{rows}</dl>')
    elif item.excerpt:
        parts.append(f'<pre class="excerpt">{escape(item.excerpt)}</pre>')
    if item.reproduction:
        parts.append(_reproduction(view, result, item, repro_index))
    parts.append("</li>")
    return "".join(parts)


def gate_section(view: CandidateView, result: GateResult) -> str:
    """A gate's header line and evidence; open when the gate rejects, folded when it passed."""
    outcome = result.outcome.value
    detail = [f"{result.seconds:.2f} s"]
    if result.strength:
        detail.append(result.strength.value)
    if result.skip_reason:
        detail.append(result.skip_reason.value)
    if result.speedup:
        detail.append(f"speed-up ×{result.speedup:.2f}")
    chart = benchmark_chart(benchmark_points(result.evidence))
    repro = [sum(1 for e in result.evidence[:i] if e.reproduction) for i in range(len(result.evidence))]
    items = "".join(_item(view, result, e, repro[i]) for i, e in enumerate(result.evidence))
    body = chart + (f'<ul class="evidence">{items}</ul>' if items else "")
    open_ = "" if accepts(result) else " open"
    head = (f'<summary><span class="gname">{escape(result.gate)}</span> '
            f'<span class="badge o-{outcome}">{escape(outcome)}</span> '
            f'<span class="gdetail">{escape(" · ".join(detail))}</span> '
            f'<span class="gsum">{escape(result.summary)}</span></summary>')
    return f'<details class="gate o-{outcome}" data-gate="{escape(result.gate)}"{open_}>{head}{body or "<p class=none>no evidence recorded</p>"}</details>'
