"""Human-readable summaries of an execution."""

from __future__ import annotations

from planner.config import SUMMARY_WIDTH


def format_cents(cents: int) -> str:
    """``1234 -> '$12.34'``, ``-5 -> '-$0.05'``."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}${whole}.{frac:02d}"


def truncate(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters, marking the cut with '...'."""
    if len(text) <= limit:
        return text
    if limit <= 3:
        return text[: max(limit, 0)]
    return text[: limit - 3] + "..."


def render_summary(rows: list[tuple[str, str, str, int]]) -> str:
    """One line per executed step ``(step_id, action, outcome, cost_cents)``,
    then a total line."""
    text = ""
    total = 0
    for step_id, action, outcome, cost in rows:
        line = f"[{step_id}] {action}: {outcome} ({format_cents(cost)})"
        text = text + truncate(line, SUMMARY_WIDTH) + "\n"
        total += cost
    text += f"{len(rows)} step(s), total {format_cents(total)}"
    return text
