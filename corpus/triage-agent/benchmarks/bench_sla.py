"""Hot paths of triage/sla.py: escalation back-off and the scheduler."""

from pytest_benchmark.fixture import BenchmarkFixture

from triage.sla import EscalationScheduler, escalation_times, fib_backoff


def test_fib_backoff(benchmark: BenchmarkFixture) -> None:
    assert benchmark(fib_backoff, 23) == 15 * 46368


def test_escalation_times(benchmark: BenchmarkFixture) -> None:
    times = benchmark(escalation_times, 10_000, 22)
    assert times == sorted(times)


def test_scheduler_drain(benchmark: BenchmarkFixture) -> None:
    def drain() -> int:
        scheduler = EscalationScheduler(max_level=14)
        for i in range(150):
            scheduler.schedule(f"TCK-{i:05d}", 1000 + 17 * i)
        return len(scheduler.due(1_000_000))

    assert benchmark(drain) == 150 * 15
