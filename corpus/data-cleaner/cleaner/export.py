"""Serialisation of cleaned tables. Every path out of the agent goes through the guard."""

from cleaner import guard, settings
from cleaner.guard import mask_row as _mask
from cleaner.model import Row, format_value
from cleaner.report import render_table


def quote_field(text: str, delimiter: str = ",") -> str:
    """Quote a field when it contains the delimiter, a quote or a line break."""
    if delimiter in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv(rows: list[Row], columns: list[str], delimiter: str = ",") -> str:
    """Serialise rows (already guarded!) with a header line."""
    lines = [delimiter.join(quote_field(c, delimiter) for c in columns)]
    for row in rows:
        lines.append(delimiter.join(quote_field(format_value(row.get(c)), delimiter) for c in columns))
    return "\n".join(lines) + "\n"


def export_csv(rows: list[Row], columns: list[str], limit: int | None = None) -> str:
    """The CSV handed to users: at most the guard's row cap, PII masked."""
    safe = guard.guard_export(rows, columns, limit)
    return to_csv(safe, columns)


def preview(rows: list[Row], columns: list[str], n: int = settings.PREVIEW_ROWS) -> str:
    """The first few rows, masked, as a text table for logs."""
    pii = guard.pii_columns(columns, rows)
    shown = [_mask(row, pii) for row in rows[: guard.export_row_count(n, len(rows))]]
    return render_table(columns, [[format_value(row.get(c)) for c in columns] for row in shown])
