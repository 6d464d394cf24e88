"""Hot paths of triage/text.py: term counting and shingling of long threads."""

import random

from pytest_benchmark.fixture import BenchmarkFixture

from triage.text import shingles, tokenize, top_terms, word_frequencies

VOCABULARY = [f"term{i}" for i in range(400)]


def _words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(VOCABULARY) for _ in range(count)]


def test_word_frequencies(benchmark: BenchmarkFixture) -> None:
    words = _words(4000, seed=1)
    counts = benchmark(word_frequencies, words)
    assert sum(counts.values()) == len(words)


def test_top_terms(benchmark: BenchmarkFixture) -> None:
    words = _words(3000, seed=2)
    assert len(benchmark(top_terms, words, 10)) == 10


def test_shingles(benchmark: BenchmarkFixture) -> None:
    tokens = _words(6000, seed=3)
    assert len(benchmark(shingles, tokens, 2)) == 5999


def test_tokenize_long_thread(benchmark: BenchmarkFixture) -> None:
    text = " ".join(_words(20000, seed=4)) + ", please FIX this!"
    assert benchmark(tokenize, text)[-1] == "fix"
