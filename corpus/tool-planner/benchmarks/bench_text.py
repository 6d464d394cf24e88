"""Benchmarks of the text paths: keywords, memory lookups, placeholders, summaries."""

import random

from pytest_benchmark.fixture import BenchmarkFixture

from planner.decompose import keyword_counts, unique_keywords
from planner.memory import rank_entries, resolve_placeholders
from planner.summary import render_summary


def test_unique_keywords(benchmark: BenchmarkFixture) -> None:
    rng = random.Random(3)
    tokens = [rng.choice(["the", "and", "to"]) if i % 5 == 0 else f"w{rng.randrange(2500)}"
              for i in range(5000)]
    result = benchmark(unique_keywords, tokens)
    assert len(result) == len(set(result))


def test_keyword_counts(benchmark: BenchmarkFixture) -> None:
    rng = random.Random(5)
    tokens = [f"w{rng.randrange(500)}" for _ in range(2000)]
    vocabulary = [f"w{i}" for i in range(0, 1000, 3)]
    counts = benchmark(keyword_counts, tokens, vocabulary)
    assert sum(counts.values()) <= len(tokens)


def test_rank_entries(benchmark: BenchmarkFixture) -> None:
    rng = random.Random(9)
    entries = [
        (f"s{i}", " ".join(f"w{rng.randrange(400)}" for _ in range(12))) for i in range(3000)
    ]
    query = " ".join(f"W{i}" for i in range(0, 60, 3))
    assert len(benchmark(rank_entries, entries, query, 10)) == 10


def test_resolve_placeholders(benchmark: BenchmarkFixture) -> None:
    template = " ".join(f"step {{s{i}}} said hello world" for i in range(3000))
    values = {f"s{i}": f"result {i}" for i in range(0, 3000, 2)}
    out = benchmark(resolve_placeholders, template, values)
    assert "{s1}" in out and "result 2998" in out


def test_render_summary(benchmark: BenchmarkFixture) -> None:
    rows = [(f"s{i}", "search_docs", "ok: " + "r" * (i % 90), i % 300) for i in range(3000)]
    text = benchmark(render_summary, rows)
    assert text.count("\n") == 3000
