"""The run's deliverable on the report page: the headline (the whole benchmark suite, original
against the final variant), the improvements the final variant holds — as a tree from the
original through each generation's base — and every admitted candidate left out, with why."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from pipeline.report.htmlpage.charts import BenchmarkPoint, benchmark_chart

__all__ = ["final_section", "read_run"]


def read_run(report_dir: Path | None) -> dict[str, Any]:
    """`run.json` as written by `crucible run`; empty when there is none or it cannot be read."""
    if report_dir is None:
        return {}
    try:
        data = json.loads((report_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def final_section(run: dict[str, Any], anchor_of: dict[str, str]) -> str:
    if not run or "final" not in run:
        return ""
    headline = run.get("headline") if isinstance(run.get("headline"), dict) else {}
    assert isinstance(headline, dict)
    rows = [r for r in headline.get("benchmarks", []) if isinstance(r, dict)]
    points = [BenchmarkPoint(str(r["benchmark"]), float(r["speedup"]), float(r["low"]), float(r["high"]),
                             r.get("original_median"), r.get("final_median")) for r in rows]
    geomean = headline.get("geomean")
    lead = (f"<p class=headline>Final variant against the original, whole benchmark suite: <b>×{float(geomean):.2f}</b> "
            f"geometric mean over {len(rows)} benchmark(s) ({escape(str(headline.get('note', '')))})</p>"
            if geomean is not None and rows else f"<p class=meta>{escape(str(headline.get('note', 'not measured')))}</p>")
    final = run.get("final") if isinstance(run.get("final"), dict) else {}
    assert isinstance(final, dict)
    members = [m for m in final.get("members", []) if isinstance(m, dict)]
    left = [m for m in run.get("left_out", []) if isinstance(m, dict)]
    return (f'<section id="final"><h2>Final variant</h2>{lead}{benchmark_chart(points)}'
            f"<p class=meta>{escape(str(run.get('ended', '')))}</p>{_tree(members, anchor_of)}{_left_out(left, anchor_of)}</section>")


def _link(candidate: str, anchor_of: dict[str, str]) -> str:
    anchor = anchor_of.get(candidate)
    return f'<a href="#{anchor}">{escape(candidate)}</a>' if anchor else escape(candidate)


def _tree(members: list[dict[str, Any]], anchor_of: dict[str, str]) -> str:
    """The original, then each generation's merged improvements nested under the one before."""
    if not members:
        return "<p class=none>no improvement merged: the final variant is the original</p>"
    generations: dict[int, list[dict[str, Any]]] = {}
    for member in members:
        generations.setdefault(int(member.get("generation", 0)), []).append(member)
    inner = ""
    for generation in sorted(generations, reverse=True):
        items = "".join(
            f"<li>{_link(str(m.get('id')), anchor_of)} ×{escape(str(m.get('speedup')))} — "
            f"{escape(', '.join(map(str, m.get('functions') or [])))}; {escape(', '.join(map(str, m.get('rule') or [])) or str(m.get('proposer', '')))}; "
            f"equivalence {escape(str(m.get('equivalence', '')))}</li>" for m in generations[generation])
        inner = f"<li>generation {generation + 1}<ul>{items}{inner}</ul></li>"
    return f'<h3>What it holds</h3><ul class="tree"><li>original<ul>{inner}</ul></li></ul>'


def _left_out(left: list[dict[str, Any]], anchor_of: dict[str, str]) -> str:
    if not left:
        return ""
    rows = "".join(f"<tr><td>{_link(str(m.get('id')), anchor_of)}</td><td>{escape(', '.join(map(str, m.get('functions') or [])))}</td>"
                   f"<td>×{escape(str(m.get('speedup')))}</td><td>{escape(str(m.get('reason')))}</td></tr>" for m in left)
    return ('<h3>Admitted, but left out</h3><table class="list"><tr><th>candidate</th><th>functions</th><th>speed-up</th>'
            f"<th>why</th></tr>{rows}</table>")
