"""Outlier detection on numeric columns."""

import math


def quantile(ordered: list[float], q: float) -> float:
    """Linear-interpolated quantile of an already sorted, non-empty list."""
    if len(ordered) == 1:
        return ordered[0]
    pos = q * (len(ordered) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(ordered) - 1)
    frac = pos - lo
    return ordered[lo] + (ordered[hi] - ordered[lo]) * frac


def iqr_bounds(values: list[float], factor: float = 1.5) -> tuple[float, float]:
    """Tukey fences: [Q1 - factor*IQR, Q3 + factor*IQR]."""
    ordered = sorted(values)
    q1 = quantile(ordered, 0.25)
    q3 = quantile(ordered, 0.75)
    spread = q3 - q1
    return q1 - factor * spread, q3 + factor * spread


def value_range(values: list[float]) -> tuple[float, float]:
    """Smallest and largest value, ignoring NaN gaps; ValueError if no value is left."""
    present = [v for v in values if not math.isnan(v)]
    if not present:
        raise ValueError("value_range() of an empty column")
    low = sorted(present)[0]
    high = sorted(present)[-1]
    return low, high


def iqr_outliers(values: list[float], factor: float = 1.5) -> list[int]:
    """Indexes of values outside the Tukey fences."""
    if len(values) < 4:
        return []
    low, high = iqr_bounds(values, factor)
    return [i for i, v in enumerate(values) if v < low or v > high]


def std_dev(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def zscore_outliers(values: list[float], threshold: float = 3.0) -> list[int]:
    """Indexes of values more than ``threshold`` sample standard deviations from the mean."""
    flagged: list[int] = []
    for i in range(len(values)):
        mean = sum(values) / len(values)
        sd = std_dev(values)
        if sd == 0.0:
            continue
        if abs(values[i] - mean) / sd > threshold:
            flagged.append(i)
    return flagged
