"""Inline SVG charts: a candidate's gates on a timeline, a benchmark's speed-up with its interval.

Plain SVG with presentation attributes and CSS classes (no inline styles, which the page's
content security policy forbids); every label is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Final

from verifiers import stats
from verifiers.base import Evidence, GateResult

__all__ = ["BenchmarkPoint", "benchmark_chart", "benchmark_points", "timeline"]

NOISE: Final = 1 + stats.NOISE  # the benchmarks gate's noise floor, as a ratio
_LABEL: Final = 110  # width of the label column
_ROW: Final = 20


def _fmt_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def timeline(gates: tuple[GateResult, ...], width: int = 640) -> str:
    """Each gate as a bar from when it started to when it ended (gates run one after another)."""
    if not gates:
        return ""
    total = sum(g.seconds for g in gates) or 1.0
    plot = width - _LABEL - 80
    height = _ROW * len(gates) + 24
    parts = [f'<svg class="timeline" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-label="gate timeline, {escape(_fmt_seconds(total))} in all">']
    start = 0.0
    for row, gate in enumerate(gates):
        y = row * _ROW + 4
        x = _LABEL + start / total * plot
        bar = max(gate.seconds / total * plot, 2.0)
        label = f"{gate.gate}: {gate.outcome.value} in {_fmt_seconds(gate.seconds)}"
        parts.append(
            f'<g class="o-{gate.outcome.value}"><title>{escape(label)}</title>'
            f'<text class="lbl" x="{_LABEL - 6}" y="{y + 13}" text-anchor="end">{escape(gate.gate)}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{bar:.1f}" height="{_ROW - 6}" rx="2"/>'
            f'<text class="val" x="{x + bar + 4:.1f}" y="{y + 13}">{escape(gate.outcome.value)} · '
            f'{escape(_fmt_seconds(gate.seconds))}</text></g>'
        )
        start += gate.seconds
    axis_y = len(gates) * _ROW + 8
    parts.append(f'<line class="axis" x1="{_LABEL}" y1="{axis_y}" x2="{_LABEL + plot}" y2="{axis_y}"/>'
                 f'<text class="tick" x="{_LABEL}" y="{axis_y + 13}">0</text>'
                 f'<text class="tick" x="{_LABEL + plot}" y="{axis_y + 13}" text-anchor="end">'
                 f'{escape(_fmt_seconds(total))}</text></svg>')
    return "".join(parts)


@dataclass(frozen=True)
class BenchmarkPoint:
    name: str
    speedup: float  # original median / variant median
    low: float  # 95% bootstrap interval of the speed-up
    high: float
    original_median: float | None  # seconds
    variant_median: float | None

    @property
    def verdict(self) -> str:
        return stats.classify(self.low, self.high).value


def benchmark_points(evidence: tuple[Evidence, ...]) -> list[BenchmarkPoint]:
    """The evidence items that carry a speed-up and its interval (all positive and finite)."""
    points = []
    for item in evidence:
        data = dict(item.data)
        values = [data.get(k) for k in ("speedup", "low", "high")]
        if any(v is None or not math.isfinite(v) or v <= 0 for v in values):
            continue
        speedup, low, high = (float(v or 0.0) for v in values)
        points.append(BenchmarkPoint(item.rule or item.path or item.message, speedup, low, high,
                                     data.get("original_median"), data.get("variant_median")))
    return points


def _ticks(low: float, high: float) -> list[float]:
    ticks = [m * 10.0**e for e in range(-3, 5) for m in (1, 2, 5) if low <= m * 10.0**e <= high]
    if len(ticks) > 7:  # a wide range: powers of ten only
        ticks = [t for t in ticks if abs(math.log10(t) - round(math.log10(t))) < 1e-9]
    return ticks


def benchmark_chart(points: list[BenchmarkPoint], width: int = 640) -> str:
    """Speed-ups on a log scale: a dot, its 95% interval, and the ±5% noise band around ×1."""
    if not points:
        return ""
    low = min(min(p.low for p in points), 1 / NOISE) / 1.25
    high = max(max(p.high for p in points), NOISE) * 1.25
    left, plot = 200, width - 200 - 130
    span = math.log(high) - math.log(low)

    def x(value: float) -> float:
        return left + (math.log(value) - math.log(low)) / span * plot

    height = _ROW * len(points) + 30
    parts = [f'<svg class="bench" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             'aria-label="benchmark speed-ups with 95% confidence intervals">',
             f'<rect class="noise" x="{x(1 / NOISE):.1f}" y="0" width="{x(NOISE) - x(1 / NOISE):.1f}" height="{height - 22}">'
             '<title>noise floor: within ±5% counts as no difference</title></rect>',
             f'<line class="one" x1="{x(1):.1f}" y1="0" x2="{x(1):.1f}" y2="{height - 22}"/>']
    for row, p in enumerate(points):
        y = row * _ROW + 12
        name = p.name if len(p.name) <= 30 else "…" + p.name[-29:]
        tip = f"{p.name}: ×{p.speedup:.2f} (95% CI ×{p.low:.2f}–×{p.high:.2f}), {p.verdict}"
        parts.append(
            f'<g class="v-{p.verdict.replace(" ", "-")}"><title>{escape(tip)}</title>'
            f'<text class="lbl" x="{left - 8}" y="{y + 4}" text-anchor="end">{escape(name)}</text>'
            f'<line class="ci" x1="{x(p.low):.1f}" y1="{y}" x2="{x(p.high):.1f}" y2="{y}"/>'
            f'<line class="ci" x1="{x(p.low):.1f}" y1="{y - 5}" x2="{x(p.low):.1f}" y2="{y + 5}"/>'
            f'<line class="ci" x1="{x(p.high):.1f}" y1="{y - 5}" x2="{x(p.high):.1f}" y2="{y + 5}"/>'
            f'<circle cx="{x(p.speedup):.1f}" cy="{y}" r="4"/>'
            f'<text class="val" x="{left + plot + 8}" y="{y + 4}">×{p.speedup:.2f} [{p.low:.2f}–{p.high:.2f}]</text></g>'
        )
    axis = height - 22
    parts.append(f'<line class="axis" x1="{left}" y1="{axis}" x2="{left + plot}" y2="{axis}"/>')
    for tick in _ticks(low, high):
        parts.append(f'<text class="tick" x="{x(tick):.1f}" y="{axis + 14}" text-anchor="middle">×{tick:g}</text>')
    parts.append("</svg>")
    return "".join(parts)
