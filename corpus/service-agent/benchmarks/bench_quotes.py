"""Benchmarks of the quoting paths: price lookups and whole quotes."""

import random

from pytest_benchmark.fixture import BenchmarkFixture

from quoter.catalog import known_skus, unit_price
from quoter.pricing import quote


def test_unit_price_lookups(benchmark: BenchmarkFixture) -> None:
    rng = random.Random(4)
    skus = known_skus()
    wanted = [rng.choice(skus) for _ in range(2_000)]

    def lookups() -> int:
        return sum(unit_price(sku) or 0 for sku in wanted)

    assert benchmark(lookups) > 0


def test_quote_baskets(benchmark: BenchmarkFixture) -> None:
    rng = random.Random(8)
    skus = known_skus()
    baskets = [[(rng.choice(skus), rng.randrange(1, 40)) for _ in range(8)] for _ in range(100)]

    def quotes() -> int:
        return sum(quote(items, "USD", "silver").total_cents for items in baskets)

    assert benchmark(quotes) > 0
