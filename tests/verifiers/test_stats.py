"""The benchmarks gate's statistical rule on synthetic timings: seeded normal noise around known
medians, so each row's true speed-up is known and the verdict it must get is not a judgement call."""

from __future__ import annotations

import random

import pytest

from verifiers.stats import NOISE, Comparison, Verdict, compare_timings


def timings(median: float, noise: float, n: int, seed: str) -> list[float]:
    """`n` timings around `median` with relative standard deviation `noise` (never <= 0)."""
    rng = random.Random(seed)
    return [max(median * 1e-3, rng.gauss(median, median * noise)) for _ in range(n)]


def compare(original_median: float, variant_median: float, noise: float, n: int = 40) -> Comparison:
    return compare_timings(
        timings(original_median, noise, n, f"original:{original_median}:{noise}:{n}"),
        timings(variant_median, noise, n, f"variant:{variant_median}:{noise}:{n}"),
    )


# (name, original median, variant median, relative noise, samples, verdict)
ROWS = [
    ("twice as fast", 2.0e-3, 1.0e-3, 0.03, 40, Verdict.FASTER),
    ("ten times as fast, noisy", 1.0e-2, 1.0e-3, 0.20, 40, Verdict.FASTER),
    ("20% faster, tight noise", 1.2e-3, 1.0e-3, 0.005, 40, Verdict.FASTER),
    ("twice as slow", 1.0e-3, 2.0e-3, 0.03, 40, Verdict.SLOWER),
    ("20% slower, tight noise", 1.0e-3, 1.2e-3, 0.005, 40, Verdict.SLOWER),
    ("same distribution, 3% noise", 1.0e-3, 1.0e-3, 0.03, 40, Verdict.SAME),
    ("same distribution, 10% noise", 1.0e-3, 1.0e-3, 0.10, 40, Verdict.SAME),
    # Inside the noise floor: real, measurable, but not beyond what medians drift between runs.
    ("3% slower, tight noise", 1.0e-3, 1.03e-3, 0.005, 60, Verdict.SAME),
    ("3% faster, tight noise", 1.03e-3, 1.0e-3, 0.005, 60, Verdict.SAME),
    # Beyond the floor but drowned in noise: too few, too scattered samples to say.
    ("20% slower, 50% noise, 5 samples", 1.0e-3, 1.2e-3, 0.50, 5, Verdict.SAME),
]


@pytest.mark.parametrize(("original", "variant", "noise", "n", "verdict"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_verdict(original: float, variant: float, noise: float, n: int, verdict: Verdict) -> None:
    result = compare(original, variant, noise, n)
    assert result.verdict is verdict, result
    assert result.low <= result.speedup <= result.high
    assert result.samples == (n, n)


def test_twice_as_fast_reports_the_speedup_and_an_interval_around_it() -> None:
    result = compare(2.0e-3, 1.0e-3, 0.03)
    assert result.speedup == pytest.approx(2.0, rel=0.03)
    assert 1 + NOISE < result.low < 2.0 < result.high < 2.2
    assert result.original_median == pytest.approx(2.0e-3, rel=0.03)
    assert result.variant_median == pytest.approx(1.0e-3, rel=0.03)


def test_twice_as_slow_reports_the_slowdown() -> None:
    result = compare(1.0e-3, 2.0e-3, 0.03)
    assert result.speedup == pytest.approx(0.5, rel=0.03)
    assert result.high < 1 / (1 + NOISE)


def test_noise_floor_decides_not_the_interval_alone() -> None:
    """A 3% slowdown with tight noise is certain (the interval excludes 1) yet not SLOWER."""
    result = compare(1.0e-3, 1.03e-3, 0.005, 60)
    assert result.high < 1.0
    assert result.low > 1 / (1 + NOISE)
    assert result.verdict is Verdict.SAME


def test_medians_and_speedup_are_exact() -> None:
    result = compare_timings([3.0, 1.0, 2.0], [1.0, 0.5, 2.0, 100.0])
    assert (result.original_median, result.variant_median) == (2.0, 1.5)
    assert result.speedup == pytest.approx(2.0 / 1.5)
    assert result.samples == (3, 4)


def test_single_timing_each() -> None:
    result = compare_timings([2.0], [1.0])
    assert (result.speedup, result.low, result.high, result.verdict) == (2.0, 2.0, 2.0, Verdict.FASTER)


def test_same_inputs_same_result() -> None:
    original = timings(1.0e-3, 0.2, 15, "determinism:o")
    variant = timings(1.1e-3, 0.2, 15, "determinism:v")
    assert compare_timings(original, variant) == compare_timings(list(original), tuple(variant))
    assert compare_timings(original, variant, seed=7) == compare_timings(original, variant, seed=7)


def test_seed_moves_only_the_interval() -> None:
    original = timings(1.0e-3, 0.2, 15, "seed:o")
    variant = timings(1.1e-3, 0.2, 15, "seed:v")
    first, second = compare_timings(original, variant, seed=1), compare_timings(original, variant, seed=2)
    assert first.speedup == second.speedup
    assert (first.original_median, first.variant_median) == (second.original_median, second.variant_median)


@pytest.mark.parametrize(("original", "variant"), [([], [1.0]), ([1.0], []), ([], [])], ids=["no original", "no variant", "neither"])
def test_empty_input_is_an_error(original: list[float], variant: list[float]) -> None:
    with pytest.raises(ValueError, match="at least one timing"):
        compare_timings(original, variant)
