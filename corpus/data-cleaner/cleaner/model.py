"""Shared value and record types."""

from typing import TypeAlias

Value: TypeAlias = str | int | float | bool | None
RawRow: TypeAlias = dict[str, str]
Row: TypeAlias = dict[str, Value]

COLUMN_KINDS: tuple[str, ...] = ("int", "float", "bool", "str")


def format_value(value: Value) -> str:
    """Render a cleaned value back to text (missing values become the empty string)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
