"""Benchmarks of outlier detection and imputation statistics."""

import random
from typing import Any

from cleaner.impute import most_common
from cleaner.outliers import iqr_outliers, value_range, zscore_outliers


def _amounts(n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    values = [rng.gauss(100.0, 15.0) for _ in range(n)]
    for i in range(0, n, 97):
        values[i] *= 8.0
    return values


def test_value_range(benchmark: Any) -> None:
    values = _amounts(20000, 31)
    low, high = benchmark(value_range, values)
    assert low <= high


def test_zscore_outliers(benchmark: Any) -> None:
    values = _amounts(450, 32)
    flagged = benchmark(zscore_outliers, values, 3.0)
    assert flagged


def test_iqr_outliers(benchmark: Any) -> None:
    values = _amounts(20000, 33)
    assert benchmark(iqr_outliers, values)


def test_most_common(benchmark: Any) -> None:
    rng = random.Random(34)
    categories = [rng.choice(["books", "garden", "toys", "music", "sports", "food"]) for _ in range(700)]
    assert benchmark(most_common, categories) in categories
