"""Hot paths of triage/history.py: contact times and load windows."""

import random

from pytest_benchmark.fixture import BenchmarkFixture

from triage.history import CustomerHistory, earliest, latest, peak_window_load
from triage.models import MINUTES_PER_DAY, Ticket


def _times(count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(365 * MINUTES_PER_DAY) for _ in range(count)]


def test_latest(benchmark: BenchmarkFixture) -> None:
    times = _times(40000, seed=21)
    assert benchmark(latest, times) == max(times)


def test_earliest(benchmark: BenchmarkFixture) -> None:
    times = _times(40000, seed=22)
    assert benchmark(earliest, times) == min(times)


def test_peak_window_load(benchmark: BenchmarkFixture) -> None:
    rng = random.Random(23)
    counts = [rng.randrange(12) for _ in range(5000)]
    assert benchmark(peak_window_load, counts, 90) > 0


def test_contact_lookups(benchmark: BenchmarkFixture) -> None:
    times = _times(60000, seed=24)
    history = CustomerHistory(
        [], [Ticket(f"T-{i}", f"C{i % 4}", "s", "b", t) for i, t in enumerate(times)]
    )

    def lookups() -> tuple[int | None, int | None]:
        return history.first_contact("C1"), history.last_contact("C1")

    first, last = benchmark(lookups)
    assert first is not None and last is not None and first <= last
