"""Missing-value imputation strategies."""

from cleaner.model import Value


def mean_of(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def median_of(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def most_common(values: list[str]) -> str:
    """The most frequent value; among equally frequent values, the one seen first wins."""
    best = ""
    best_count = 0
    for value in values:
        count = 0
        for other in values:
            if other == value:
                count += 1
        if count > best_count:
            best = value
            best_count = count
    return best


def impute_column(values: list[Value], strategy: str) -> list[Value]:
    """Fill missing entries of one column using ``mean``, ``median`` or ``mode``."""
    if strategy == "none":
        return list(values)
    present = [v for v in values if v is not None]
    if strategy == "mode":
        if not present:
            return list(values)
        label = most_common([str(v) for v in present])
        mode = next(v for v in present if str(v) == label)
        return [mode if v is None else v for v in values]
    numbers = [float(v) for v in present if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if strategy == "mean":
        center = mean_of(numbers)
    elif strategy == "median":
        center = median_of(numbers)
    else:
        raise ValueError(f"unknown imputation strategy: {strategy}")
    fill: Value = center
    if strategy == "median" and all(type(v) is int for v in present):
        fill = int(round(center))
    return [fill if v is None else v for v in values]
