"""Benchmarks of group-by counting and rolling statistics."""

import random
from typing import Any

from cleaner.aggregate import aggregate, group_counts, moving_average, moving_sum, running_max
from cleaner.model import Row


def _ints(n: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(-50, 200) for _ in range(n)]


def test_group_counts(benchmark: Any) -> None:
    rng = random.Random(21)
    skus = [f"sku-{rng.randrange(400):03d}" for _ in range(2500)]
    counts = benchmark(group_counts, skus)
    assert sum(counts.values()) == len(skus)


def test_moving_sum(benchmark: Any) -> None:
    values = _ints(5000, 22)
    sums = benchmark(moving_sum, values, 120)
    assert len(sums) == 5000 - 120 + 1


def test_moving_average(benchmark: Any) -> None:
    values = [float(v) for v in _ints(5000, 23)]
    means = benchmark(moving_average, values, 120)
    assert len(means) == 5000 - 120 + 1


def test_running_max(benchmark: Any) -> None:
    values = _ints(700, 24)
    result = benchmark(running_max, values)
    assert result[-1] == max(values)


def test_aggregate_mean_by_region(benchmark: Any) -> None:
    rng = random.Random(25)
    rows: list[Row] = [
        {"region": rng.choice(["north", "south", "east", "west"]), "amount": round(rng.uniform(1, 500), 2)}
        for _ in range(20000)
    ]
    result = benchmark(aggregate, rows, "region", "amount", "mean")
    assert set(result) == {"north", "south", "east", "west"}
