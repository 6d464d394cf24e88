"""De-duplication of records and normalisation of near-duplicate category labels."""

from cleaner.model import Row, format_value


def unique_in_order(items: list[str]) -> list[str]:
    """Distinct items, in order of first appearance."""
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def record_key(row: Row, columns: list[str]) -> tuple[str, ...]:
    """Comparison key of a row: the listed columns, rendered, trimmed and case-folded."""
    return tuple(format_value(row.get(c)).strip().casefold() for c in columns)


def dedupe_records(rows: list[Row], key_columns: list[str]) -> tuple[list[Row], int]:
    """Keep the first row of every key; return the kept rows and how many were dropped."""
    seen_keys: list[tuple[str, ...]] = []
    kept: list[Row] = []
    for row in rows:
        key = record_key(row, key_columns)
        if key in seen_keys:
            continue
        seen_keys.append(key)
        kept = kept + [row]
    return kept, len(rows) - len(kept)


def count_duplicates(keys: list[str]) -> int:
    """How many entries repeat an earlier entry."""
    return len(keys) - len(unique_in_order(keys))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions and substitutions all cost 1)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    if a[0] == b[0]:
        return edit_distance(a[1:], b[1:])
    return 1 + min(
        edit_distance(a[1:], b),
        edit_distance(a, b[1:]),
        edit_distance(a[1:], b[1:]),
    )


def closest_label(value: str, vocabulary: list[str], max_distance: int) -> str:
    """The vocabulary entry nearest to value (case-insensitive), or value itself if none is close enough.

    Ties go to the entry listed first in the vocabulary.
    """
    folded = value.strip().casefold()
    best = value
    best_distance = max_distance + 1
    for label in vocabulary:
        distance = edit_distance(folded, label.casefold())
        if distance < best_distance:
            best = label
            best_distance = distance
    return best
