"""Plain-text rendering of summary tables and the cleaning report."""

from dataclasses import dataclass, field


def pad_cell(text: str, width: int, align_right: bool = False) -> str:
    """Pad text with spaces to at least ``width`` characters (never truncates)."""
    gap = width - len(text)
    if gap <= 0:
        return text
    return " " * gap + text if align_right else text + " " * gap


def looks_numeric(text: str) -> bool:
    body = text.strip().lstrip("+-")
    return body.replace(".", "", 1).replace("%", "", 1).isdigit()


def column_widths(headers: list[str], rows: list[list[str]]) -> list[int]:
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row[: len(widths)]):
            if len(cell) > widths[i]:
                widths[i] = len(cell)
    return widths


def render_table(headers: list[str], rows: list[list[str]]) -> str:
    """Render rows under headers as an aligned text table; numeric cells align right."""
    widths = column_widths(headers, rows)
    out = ""
    for i, h in enumerate(headers):
        out += (" | " if i else "") + pad_cell(h, widths[i])
    out += "\n"
    for i, w in enumerate(widths):
        out += ("-+-" if i else "") + "-" * w
    out += "\n"
    for row in rows:
        line = ""
        for i, w in enumerate(widths):
            cell = row[i] if i < len(row) else ""
            line += (" | " if i else "") + pad_cell(cell, w, looks_numeric(cell))
        out += line.rstrip() + "\n"
    return out


@dataclass
class CleaningSummary:
    source_rows: int
    kept_rows: int
    duplicates_removed: int
    invalid_rows: int
    quality: float
    grade: str
    steps: list[str] = field(default_factory=list)
    columns: list[tuple[str, str, int, str]] = field(default_factory=list)  # name, kind, missing, range
    group_headers: list[str] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)


def build_report(summary: CleaningSummary) -> str:
    lines = [
        "Data cleaning report",
        "====================",
        f"rows read:          {summary.source_rows}",
        f"rows kept:          {summary.kept_rows}",
        f"duplicates removed: {summary.duplicates_removed}",
        f"invalid rows:       {summary.invalid_rows}",
        f"quality score:      {summary.quality:.3f} ({summary.grade})",
        "",
    ]
    table = render_table(
        ["column", "kind", "missing", "range"],
        [[name, kind, str(missing), span] for name, kind, missing, span in summary.columns],
    )
    if summary.groups:
        table += "\n" + render_table(summary.group_headers, summary.groups)
    steps = [f"  {n}. {s}" for n, s in enumerate(summary.steps, start=1)] or ["  (none)"]
    return "\n".join(lines) + table + "\nsteps applied:\n" + "\n".join(steps) + "\n"
