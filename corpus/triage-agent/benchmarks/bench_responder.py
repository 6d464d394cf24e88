"""Hot paths of triage/responder.py: rendering long lists and digests."""

from pytest_benchmark.fixture import BenchmarkFixture

from triage.models import Queue, RunReport, TriageResult
from triage.responder import bullet_list, digest


def test_bullet_list(benchmark: BenchmarkFixture) -> None:
    lines = [f"TCK-{i:05d} [billing/P3] due Tue 14:00: ready " for i in range(3000)]
    text = benchmark(bullet_list, lines)
    assert text.count("\n") == 3000


def test_digest(benchmark: BenchmarkFixture) -> None:
    queues = list(Queue)
    report = RunReport(
        results=[
            TriageResult(f"TCK-{i:05d}", queues[i % len(queues)], 1 + i % 5, 600 + i * 13,
                         reply="ok")
            for i in range(2000)
        ],
        steps=2000,
    )
    assert benchmark(digest, report).startswith("Triaged 2000 tickets")
