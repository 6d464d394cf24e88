"""Data-protection guard (safety kernel; locked by specs/kernel.toml).

Every export goes through :func:`guard_export`: it caps the rows at ``settings.MAX_EXPORT_ROWS``,
masks PII columns (e-mail addresses, phone numbers; found by column name or by sniffing the
values), and a final :func:`assert_no_pii` sweep refuses output that still carries an e-mail.
"""

import re
from collections.abc import Sequence

from cleaner import settings
from cleaner.model import Row, Value, format_value

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
PHONE_RE = re.compile(r"^\+?[\d\s().\-]{7,20}$")
PII_NAME_HINTS: tuple[str, ...] = ("email", "e_mail", "mail", "phone", "mobile", "tel", "fax")
MASK = "***"


class GuardViolation(RuntimeError):
    """Raised when data about to leave the process still carries PII."""


def mask_email(value: str) -> str:
    """Keep the first character of the local part and the domain: a***@example.com."""
    at = value.rfind("@")
    if at <= 0:
        return MASK
    return value[0] + MASK + value[at:]


def mask_phone(value: str) -> str:
    """Replace every digit but the last two with '*', keeping the punctuation."""
    digit_total = sum(1 for ch in value if ch.isdigit())
    keep_from = digit_total - 2
    out: list[str] = []
    seen = 0
    for ch in value:
        if ch.isdigit():
            out.append(ch if seen >= keep_from else "*")
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


def looks_like_email(text: str) -> bool:
    return EMAIL_RE.search(text) is not None


def looks_like_phone(text: str) -> bool:
    return PHONE_RE.match(text.strip()) is not None and sum(ch.isdigit() for ch in text) >= 7


def is_pii_column(name: str, sample: Sequence[str]) -> bool:
    """A column is PII if its name says so or most of its non-empty sample looks like contacts."""
    lowered = name.lower()
    if any(hint in lowered for hint in PII_NAME_HINTS):
        return True
    present = [s for s in sample if s.strip()]
    if not present:
        return False
    hits = sum(1 for s in present if looks_like_email(s) or looks_like_phone(s))
    return hits * 2 >= len(present)


def pii_columns(columns: Sequence[str], rows: Sequence[Row]) -> list[str]:
    sample = rows[:50]
    return [c for c in columns if is_pii_column(c, [format_value(r.get(c)) for r in sample])]


def mask_value(value: Value) -> Value:
    if value is None:
        return None
    text = format_value(value)
    if looks_like_email(text):
        return mask_email(text)
    if sum(ch.isdigit() for ch in text) >= 3:
        return mask_phone(text)
    return MASK


def mask_row(row: Row, pii: Sequence[str]) -> Row:
    """A copy of row with every PII column masked; the input row is left untouched."""
    return {k: (mask_value(v) if k in pii else v) for k, v in row.items()}


def export_row_count(requested: int, available: int) -> int:
    """How many rows an export may contain: what was asked for, within what exists and the cap."""
    return max(0, min(requested, available, settings.MAX_EXPORT_ROWS))


def assert_no_pii(rows: Sequence[Row]) -> None:
    for index, row in enumerate(rows):
        for column, value in row.items():
            if isinstance(value, str) and looks_like_email(value):
                raise GuardViolation(f"row {index}, column {column!r}: unmasked e-mail address")


def guard_export(rows: Sequence[Row], columns: Sequence[str], requested: int | None = None) -> list[Row]:
    """The only way rows may leave the agent: capped, masked and swept for e-mail addresses."""
    limit = export_row_count(len(rows) if requested is None else requested, len(rows))
    pii = pii_columns(columns, rows)
    safe = [mask_row(row, pii) for row in rows[:limit]]
    assert_no_pii(safe)
    return safe
