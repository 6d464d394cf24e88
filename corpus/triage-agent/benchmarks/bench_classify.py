"""Hot paths of triage/classify.py: keyword matching over long tickets."""

import random

from pytest_benchmark.fixture import BenchmarkFixture

from triage.classify import RULES, classify, keyword_hits
from triage.models import Queue

FILLER = [f"word{i}" for i in range(300)]
SIGNAL = ["invoice", "refund", "charged", "crash", "parcel", "password"]


def _tokens(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(SIGNAL) if rng.random() < 0.05 else rng.choice(FILLER)
            for _ in range(count)]


def test_keyword_hits(benchmark: BenchmarkFixture) -> None:
    tokens = _tokens(20000, seed=31)
    billing = RULES[1].keywords
    assert benchmark(keyword_hits, tokens, billing) > 0


def test_classify_long_ticket(benchmark: BenchmarkFixture) -> None:
    text = "Refund needed, I was charged twice on the invoice. " + " ".join(_tokens(6000, 32))
    found = benchmark(classify, text, False, 0)
    assert found.queue is Queue.BILLING
