"""The statistical rule of the benchmarks gate.

speed-up s = median(original times) / median(variant times), with a 95% percentile-bootstrap
confidence interval from resampling both sets of timings (seeded: the same data gives the same
verdict); when several benchmarks are judged at once, the level is Bonferroni-corrected. Against a noise floor NOISE (medians drift 2-6% between runs on one machine, so 5%):
  slower  when the whole interval lies below 1 / (1 + NOISE)  -> the gate fails
  faster  when the whole interval lies above 1 + NOISE        -> the speed-up is recorded
  otherwise no difference beyond noise.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

__all__ = ["Comparison", "NOISE", "Verdict", "classify", "compare_timings"]

NOISE: Final = 0.05
CONFIDENCE: Final = 0.95
RESAMPLES: Final = 2000


class Verdict(StrEnum):
    SLOWER = "slower"
    SAME = "no difference"
    FASTER = "faster"


@dataclass(frozen=True)
class Comparison:
    speedup: float
    low: float
    high: float
    verdict: Verdict
    original_median: float
    variant_median: float
    samples: tuple[int, int]


def compare_timings(original: Sequence[float], variant: Sequence[float], *, seed: int = 0, confidence: float = CONFIDENCE) -> Comparison:
    if not original or not variant:
        raise ValueError("both versions need at least one timing")
    rng = random.Random(seed)
    ratios = sorted(
        statistics.median(rng.choices(original, k=len(original))) / statistics.median(rng.choices(variant, k=len(variant)))
        for _ in range(RESAMPLES)
    )
    tail = (1 - confidence) / 2
    low, high = ratios[int(tail * RESAMPLES)], ratios[int((1 - tail) * RESAMPLES) - 1]
    speedup = statistics.median(original) / statistics.median(variant)
    return Comparison(speedup, low, high, classify(low, high), statistics.median(original), statistics.median(variant),
                      (len(original), len(variant)))


def classify(low: float, high: float) -> Verdict:
    """The rule on a speed-up's confidence interval: slower or faster only beyond the noise floor."""
    if high < 1 / (1 + NOISE):
        return Verdict.SLOWER
    if low > 1 + NOISE:
        return Verdict.FASTER
    return Verdict.SAME
