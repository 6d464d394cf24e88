"""Benchmarks of de-duplication and label normalisation."""

import random
from typing import Any

from cleaner.dedupe import closest_label, dedupe_records, edit_distance, unique_in_order
from cleaner.model import Row

REGIONS = ["north", "south", "east", "west", "central"]
TYPOS = ["nrth", "suoth", "est", "wset", "centrl", "nort", "soth", "eats", "wets", "cntral"]


def _customer_ids(n: int, distinct: int) -> list[str]:
    rng = random.Random(11)
    return [f"cust-{rng.randrange(distinct):05d}" for _ in range(n)]


def _rows(n: int) -> list[Row]:
    rng = random.Random(12)
    return [{"order_id": rng.randrange(n * 3 // 4), "customer": f"Customer {rng.randrange(60)}"} for _ in range(n)]


def test_unique_in_order(benchmark: Any) -> None:
    ids = _customer_ids(3000, 1500)
    result = benchmark(unique_in_order, ids)
    assert len(result) == len(set(ids))


def test_dedupe_records(benchmark: Any) -> None:
    rows = _rows(1200)
    kept, dropped = benchmark(dedupe_records, rows, ["order_id", "customer"])
    assert len(kept) + dropped == len(rows)


def test_edit_distance(benchmark: Any) -> None:
    assert benchmark(edit_distance, "kitchens", "sitting") == 5


def test_closest_label(benchmark: Any) -> None:
    rng = random.Random(13)
    labels = [rng.choice(TYPOS) for _ in range(30)]
    fixed = benchmark(lambda: [closest_label(label, REGIONS, 2) for label in labels])
    assert set(fixed) <= set(REGIONS) | set(TYPOS)
