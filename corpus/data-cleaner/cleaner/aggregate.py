"""Group-by aggregation and rolling statistics."""

from cleaner.model import Row, format_value

AGGREGATES: tuple[str, ...] = ("count", "sum", "mean", "min", "max")


def group_counts(keys: list[str]) -> dict[str, int]:
    """Occurrences of every key, in order of first appearance."""
    counts: dict[str, int] = {}
    for key in keys:
        if key in counts:
            continue
        n = 0
        for other in keys:
            if other == key:
                n += 1
        counts[key] = n
    return counts


def summarize(values: list[float], how: str) -> float:
    """One aggregate of a list of numbers; an empty list aggregates to 0."""
    if how == "count":
        return float(len(values))
    if not values:
        return 0.0
    if how == "sum":
        return float(sum(values))
    if how == "mean":
        return sum(values) / len(values)
    if how == "min":
        return min(values)
    if how == "max":
        return max(values)
    raise ValueError(f"unknown aggregate: {how}")


def aggregate(rows: list[Row], key_column: str, value_column: str, how: str) -> dict[str, float]:
    """Group rows by ``key_column`` and aggregate the numeric ``value_column`` of each group."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(format_value(row.get(key_column)), []).append(row)
    result: dict[str, float] = {}
    for key, members in groups.items():
        numbers = [
            float(v)
            for v in (m.get(value_column) for m in members)
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        ]
        result[key] = summarize(numbers, how)
    return result


def moving_sum(values: list[int], window: int) -> list[int]:
    """Sum of every full window of consecutive values."""
    sums: list[int] = []
    for i in range(len(values) - window + 1):
        sums.append(sum(values[i : i + window]))
    return sums


def moving_average(values: list[float], window: int) -> list[float]:
    """Mean of every full window of consecutive values."""
    return [sum(values[i : i + window]) / window for i in range(len(values) - window + 1)]


def running_max(values: list[int]) -> list[int]:
    """Largest value seen so far, at every position."""
    result: list[int] = []
    for i in range(len(values)):
        result.append(sorted(values[: i + 1])[-1])
    return result
