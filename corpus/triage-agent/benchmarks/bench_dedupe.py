"""Hot paths of triage/dedupe.py: id de-duplication and near-duplicate search."""

import random

from pytest_benchmark.fixture import BenchmarkFixture

from triage.dedupe import find_near_duplicates, unique_in_order
from triage.models import Ticket

PHRASES = [
    "my parcel arrived damaged", "the invoice total is wrong", "app crashes on login",
    "refund has not arrived", "cannot reset my password", "tracking number is invalid",
    "charged twice this month", "sync stopped working yesterday", "account locked again",
]


def test_unique_in_order(benchmark: BenchmarkFixture) -> None:
    rng = random.Random(11)
    ids = [f"TCK-{rng.randrange(3000):05d}" for _ in range(4000)]
    result = benchmark(unique_in_order, ids)
    assert len(result) == len(set(ids))


def test_find_near_duplicates(benchmark: BenchmarkFixture) -> None:
    rng = random.Random(12)
    tickets = [
        Ticket(
            f"TCK-{i:05d}",
            f"C{rng.randrange(40)}",
            rng.choice(PHRASES),
            " and ".join(rng.sample(PHRASES, 3)),
            i * 7,
        )
        for i in range(400)
    ]
    duplicates = benchmark(find_near_duplicates, tickets)
    assert all(dup > original for dup, original in duplicates.items())
