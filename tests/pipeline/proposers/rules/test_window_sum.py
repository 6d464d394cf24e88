"""sliding-window-sum: a window sum recomputed from a slice at every position → a running sum."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.window_sum import WindowSum
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = WindowSum()
SERIES: tuple[list[int], ...] = ([], [4], [1, 2, 3, 4, 5], [3, -1, 3, 3, 0, 7], [True, 2, True])
WINDOWS: tuple[Args, ...] = tuple((list(xs), k) for xs in SERIES for k in (-7, -2, -1, 0, 1, 2, 3, 9))

CASES = [
    Case(
        "append-per-window",
        '''
        def moving_sum(values: list[int], window: int) -> list[int]:
            """Sum of every full window of consecutive values."""
            sums: list[int] = []
            for i in range(len(values) - window + 1):
                sums.append(sum(values[i : i + window]))
            return sums
        ''',
        '''
        def moving_sum(values: list[int], window: int) -> list[int]:
            """Sum of every full window of consecutive values."""
            sums: list[int] = []
            for i in range(len(values) - window + 1):
                if i == 0 or window < 0:
                    window_total = sum(values[i : i + window])
                else:
                    window_total += values[i + window - 1] - values[i - 1]
                sums.append(window_total)
            return sums
        ''',
        inputs=WINDOWS,
    ),
    Case(
        "best-window",
        '''
        def peak_window_load(counts: list[int], window: int) -> int:
            best = 0
            for start in range(0, len(counts) - window + 1):
                # a comment in the body stays
                total = sum(counts[start:window + start])
                if total > best:
                    best = total
            return best
        ''',
        '''
        def peak_window_load(counts: list[int], window: int) -> int:
            best = 0
            for start in range(0, len(counts) - window + 1):
                # a comment in the body stays
                if start == 0 or window < 0:
                    window_total = sum(counts[start:window + start])
                else:
                    window_total += counts[start + window - 1] - counts[start - 1]
                total = window_total
                if total > best:
                    best = total
            return best
        ''',
        inputs=WINDOWS,
    ),
    Case(
        "literal-width-one-liner",
        '''
        def triples(xs: tuple[int, ...]) -> list[int]:
            out: list[int] = []
            for i in range(len(xs) - 3 + 1): out.append(sum(xs[i:i + 3]) * 2)
            return out
        ''',
        '''
        def triples(xs: tuple[int, ...]) -> list[int]:
            out: list[int] = []
            for i in range(len(xs) - 3 + 1):
                if i == 0:
                    window_total = sum(xs[i:i + 3])
                else:
                    window_total += xs[i + 2] - xs[i - 1]
                out.append(window_total * 2)
            return out
        ''',
        inputs=tuple((tuple(xs),) for xs in SERIES),
    ),
    Case(
        "comprehension",
        '''
        def window_sums(values: list[int], k: int) -> list[int]:
            return [sum(values[i:i + k]) for i in range(len(values) - k + 1)]
        ''',
        '''
        def window_sums(values: list[int], k: int) -> list[int]:
            result: list[int] = []
            for i in range(len(values) - k + 1):
                if i == 0 or k < 0:
                    window_total = sum(values[i:i + k])
                else:
                    window_total += values[i + k - 1] - values[i - 1]
                result.append(window_total)
            return result
        ''',
        inputs=WINDOWS,
    ),
    Case(
        "floats-round-differently",
        '''
        def moving_average(values: list[float], window: int) -> list[float]:
            return [sum(values[i : i + window]) / window for i in range(len(values) - window + 1)]
        ''',
    ),
    Case(
        "sequence-changes-in-the-loop",
        '''
        def eat(values: list[int], k: int) -> list[int]:
            out: list[int] = []
            for i in range(len(values) - k + 1):
                out.append(sum(values[i:i + k]))
                values.append(0)
            return out
        ''',
    ),
    Case(
        "other-range",
        '''
        def prefixes(values: list[int], k: int) -> list[int]:
            return [sum(values[i:i + k]) for i in range(len(values))]
        ''',
    ),
    Case(
        "stepped-slice",
        '''
        def every_other(values: list[int], k: int) -> list[int]:
            return [sum(values[i:i + k:2]) for i in range(len(values) - k + 1)]
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_window_sum(case: Case) -> None:
    check(RULE, case)
