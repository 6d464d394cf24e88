"""Type inference and coercion of raw text fields."""

import math

from cleaner.model import Value

MISSING_TOKENS: frozenset[str] = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "?"})
TRUE_TOKENS: frozenset[str] = frozenset({"true", "yes", "y", "t"})
FALSE_TOKENS: frozenset[str] = frozenset({"false", "no", "n", "f"})
_DIGITS = "0123456789"


def is_missing(text: str) -> bool:
    return text.strip().lower() in MISSING_TOKENS


def parse_bool(text: str) -> bool | None:
    token = text.strip().lower()
    if token in TRUE_TOKENS:
        return True
    if token in FALSE_TOKENS:
        return False
    return None


def parse_int(text: str) -> int | None:
    """Parse an optionally signed run of ASCII digits; anything else is not an int."""
    s = text.strip()
    body = s[1:] if s[:1] in ("+", "-") else s
    if not body:
        return None
    for ch in body:
        if ch not in _DIGITS:
            return None
    return int(s)


def parse_float(text: str) -> float | None:
    """Parse a finite float (no nan, no infinities)."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def infer_kind(values: list[str]) -> str:
    """The narrowest kind every present value fits: int, then float, then bool, else str."""
    present = [v for v in values if not is_missing(v)]
    if not present:
        return "str"
    if all(parse_int(v) is not None for v in present):
        return "int"
    if all(parse_float(v) is not None for v in present):
        return "float"
    if all(parse_bool(v) is not None for v in present):
        return "bool"
    return "str"


def coerce_value(text: str, kind: str) -> Value:
    """Convert one field; missing or unparseable fields become None (except for str)."""
    if is_missing(text):
        return None
    if kind == "int":
        return parse_int(text)
    if kind == "float":
        return parse_float(text)
    if kind == "bool":
        return parse_bool(text)
    return text.strip()
