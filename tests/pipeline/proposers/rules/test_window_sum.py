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
        "inner-loop-over-the-window",
        '''
        def block_totals(loads: list[int], k: int) -> list[int]:
            totals = []
            for start in range(len(loads) - k + 1):
                s = 0
                for j in range(start, start + k):
                    s += loads[j]
                totals.append(s)
            return totals
        ''',
        '''
        def block_totals(loads: list[int], k: int) -> list[int]:
            totals = []
            for start in range(len(loads) - k + 1):
                if start == 0 or k < 0:
                    window_total = sum(loads[j] for j in range(start, start + k))
                else:
                    window_total += loads[start + k - 1] - loads[start - 1]
                s = window_total
                totals.append(s)
            return totals
        ''',
        inputs=WINDOWS,
    ),
    Case(
        "inner-loop-by-offset-with-a-literal-width",
        '''
        def triple_sums(xs: list[int]) -> list[int]:
            out: list[int] = []
            for i in range(len(xs) - 2):
                acc = 0
                for offset in range(3):
                    acc = acc + xs[i + offset]
                out.append(acc)
            return out
        ''',
        '''
        def triple_sums(xs: list[int]) -> list[int]:
            out: list[int] = []
            for i in range(len(xs) - 2):
                if i == 0:
                    window_total = sum(xs[i + offset] for offset in range(3))
                else:
                    window_total += xs[i + 2] - xs[i - 1]
                acc = window_total
                out.append(acc)
            return out
        ''',
        inputs=tuple((list(xs),) for xs in SERIES),
    ),
    Case(
        "inner-loop-over-a-slice",
        '''
        def heaviest(weights: list[int], size: int) -> int:
            best = -1
            for i in range(len(weights) - size + 1):
                total = 0
                for w in weights[i:i + size]:
                    total += w
                best = max(best, total)
            return best
        ''',
        '''
        def heaviest(weights: list[int], size: int) -> int:
            best = -1
            for i in range(len(weights) - size + 1):
                if i == 0 or size < 0:
                    window_total = sum(weights[i:i + size])
                else:
                    window_total += weights[i + size - 1] - weights[i - 1]
                total = window_total
                best = max(best, total)
            return best
        ''',
        inputs=WINDOWS,
    ),
    Case(
        "best-window-and-its-start-after-a-first-window",
        '''
        def busiest(hits: list[int], width: int) -> tuple[int, int]:
            best_at, best = 0, sum(hits[:width])
            for at in range(1, len(hits) - (width - 1)):
                here = sum(hits[at:at + width])
                if here > best:
                    best_at, best = at, here
            return best_at, best
        ''',
        '''
        def busiest(hits: list[int], width: int) -> tuple[int, int]:
            best_at, best = 0, sum(hits[:width])
            for at in range(1, len(hits) - (width - 1)):
                if at == 1 or width < 0:
                    window_total = sum(hits[at:at + width])
                else:
                    window_total += hits[at + width - 1] - hits[at - 1]
                here = window_total
                if here > best:
                    best_at, best = at, here
            return best_at, best
        ''',
        inputs=WINDOWS,
    ),
    Case(
        "windows-ending-at-the-index-with-a-length-name",
        '''
        def trailing(xs: list[int], k: int) -> list[int]:
            n = len(xs)
            return [sum(xs[end - k:end]) for end in range(k, n + 1)]
        ''',
        '''
        def trailing(xs: list[int], k: int) -> list[int]:
            n = len(xs)
            result: list[int] = []
            for end in range(k, n + 1):
                if end == k or k < 0:
                    window_total = sum(xs[end - k:end])
                else:
                    window_total += xs[end - 1] - xs[end - k - 1]
                result.append(window_total)
            return result
        ''',
        inputs=WINDOWS,
    ),
    Case(
        "while-loop",
        '''
        def window_means(xs: list[int], k: int) -> list[int]:
            out: list[int] = []
            i = 0
            while i + k <= len(xs):
                out.append(sum(xs[i:i + k]) // max(k, 1))
                i += 1
            return out
        ''',
        '''
        def window_means(xs: list[int], k: int) -> list[int]:
            out: list[int] = []
            i = 0
            while i + k <= len(xs):
                if i == 0 or k < 0:
                    window_total = sum(xs[i:i + k])
                else:
                    window_total += xs[i + k - 1] - xs[i - 1]
                out.append(window_total // max(k, 1))
                i += 1
            return out
        ''',
        inputs=tuple(w for w in WINDOWS if w[1] >= 0),
    ),
    Case(
        "max-of-a-generator",
        '''
        def peak(xs: list[int], k: int) -> int:
            return max((sum(xs[i:i + k]) for i in range(len(xs) - k + 1)), default=0)
        ''',
        '''
        def peak(xs: list[int], k: int) -> int:
            window_sums: list[int] = []
            for i in range(len(xs) - k + 1):
                if i == 0 or k < 0:
                    window_total = sum(xs[i:i + k])
                else:
                    window_total += xs[i + k - 1] - xs[i - 1]
                window_sums.append(window_total)
            return max(window_sums, default=0)
        ''',
        inputs=WINDOWS,
    ),
    Case(
        "generator-sum-per-window-with-the-index-in-a-best-pair",
        '''
        def best_start(xs: list[int], k: int) -> tuple[int, int]:
            best = max(((sum(xs[j] for j in range(i, i + k)), -i) for i in range(len(xs) - k + 1)), default=(0, 0))
            return best[0], -best[1]
        ''',
        '''
        def best_start(xs: list[int], k: int) -> tuple[int, int]:
            values = []
            for i in range(len(xs) - k + 1):
                if i == 0 or k < 0:
                    window_total = sum(xs[j] for j in range(i, i + k))
                else:
                    window_total += xs[i + k - 1] - xs[i - 1]
                values.append((window_total, -i))
            best = max(values, default=(0, 0))
            return best[0], -best[1]
        ''',
        inputs=WINDOWS,
    ),
    Case(
        "named-slice-then-summed",
        '''
        def loads(xs: list[int], k: int) -> list[int]:
            out = []
            for i in range(len(xs) - k + 1):
                chunk = xs[i:i + k]
                out.append(sum(chunk))
            return out
        ''',
        '''
        def loads(xs: list[int], k: int) -> list[int]:
            out = []
            for i in range(len(xs) - k + 1):
                if i == 0 or k < 0:
                    window_total = sum(xs[i:i + k])
                else:
                    window_total += xs[i + k - 1] - xs[i - 1]
                out.append(window_total)
            return out
        ''',
        inputs=WINDOWS,
    ),
    Case(
        "filtered-generator-counting-windows",
        '''
        def busy_windows(xs: list[int], k: int) -> int:
            return sum(1 for i in range(len(xs) - k + 1) if sum(xs[i:i + k]) > 3)
        ''',
        '''
        def busy_windows(xs: list[int], k: int) -> int:
            values = []
            for i in range(len(xs) - k + 1):
                if i == 0 or k < 0:
                    window_total = sum(xs[i:i + k])
                else:
                    window_total += xs[i + k - 1] - xs[i - 1]
                if window_total > 3:
                    values.append(1)
            return sum(values)
        ''',
        inputs=WINDOWS,
    ),
    Case(
        "floats-round-differently",
        '''
        def moving_average(values: list[float], window: int) -> list[float]:
            return [sum(values[i : i + window]) / window for i in range(len(values) - window + 1)]
        ''',
        diagnosed=True,
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
        diagnosed=True,
    ),
    Case(
        "other-range",
        '''
        def prefixes(values: list[int], k: int) -> list[int]:
            return [sum(values[i:i + k]) for i in range(len(values))]
        ''',
    ),
    Case(
        "range-too-long-for-the-window",
        '''
        def overhang(values: list[int], k: int) -> list[int]:
            return [sum(values[i:i + k]) for i in range(len(values) - k + 2)]
        ''',
    ),
    Case(
        "inner-loop-variable-read-after",
        '''
        def sums(values: list[int], k: int) -> list[int]:
            out = []
            j = 0
            for i in range(len(values) - k + 1):
                s = 0
                for j in range(i, i + k):
                    s += values[j]
                out.append(s + j)
            return out
        ''',
    ),
    Case(
        "while-loop-with-continue",
        '''
        def sums(values: list[int], k: int) -> list[int]:
            out = []
            i = 0
            while i + k <= len(values):
                if not values[i]:
                    i += 1
                    continue
                out.append(sum(values[i:i + k]))
                i += 1
            return out
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
