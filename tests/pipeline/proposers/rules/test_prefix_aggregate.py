"""running-prefix-aggregate: a prefix sum or extreme recomputed at every position → a running value."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.prefix_aggregate import PrefixAggregate
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = PrefixAggregate()
INTS: tuple[Args, ...] = (([],), ([4],), ([3, 1, 3, 2, 5, 1],), ([1, True, 1, True],), ([-2, -2, -5],))

CASES = [
    Case(
        "running-total",
        '''
        def running_totals(costs: list[int]) -> list[int]:
            """Cumulative cost after each step."""
            totals: list[int] = []
            for i in range(len(costs)):
                totals.append(sum(costs[: i + 1]))
            return totals
        ''',
        '''
        def running_totals(costs: list[int]) -> list[int]:
            """Cumulative cost after each step."""
            totals: list[int] = []
            for i in range(len(costs)):
                if i == 0:
                    prefix_total = sum(costs[: i + 1])
                else:
                    prefix_total += costs[i]
                totals.append(prefix_total)
            return totals
        ''',
        inputs=INTS,
    ),
    Case(
        "sorted-last-of-prefix",
        '''
        def running_max(values: list[int]) -> list[int]:
            result: list[int] = []
            for i in range(len(values)):
                result.append(sorted(values[: i + 1])[-1])
            return result
        ''',
        '''
        def running_max(values: list[int]) -> list[int]:
            result: list[int] = []
            for i in range(len(values)):
                if i == 0:
                    prefix_max = sorted(values[: i + 1])[-1]
                elif values[i] >= prefix_max:
                    prefix_max = values[i]
                result.append(prefix_max)
            return result
        ''',
        inputs=INTS,
    ),
    Case(
        "sum-before-and-min-with-enumerate",
        '''
        def gaps(xs: list[int]) -> list[tuple[int, int]]:
            out: list[tuple[int, int]] = []
            for i, x in enumerate(xs):
                out.append((x - sum(xs[:i]), min(xs[0:i + 1])))
            return out
        ''',
        '''
        def gaps(xs: list[int]) -> list[tuple[int, int]]:
            out: list[tuple[int, int]] = []
            for i, x in enumerate(xs):
                if i == 0:
                    prefix_total_before = sum(xs[:i])
                else:
                    prefix_total_before += xs[i - 1]
                if i == 0:
                    prefix_min = min(xs[0:i + 1])
                elif xs[i] < prefix_min:
                    prefix_min = xs[i]
                out.append((x - prefix_total_before, prefix_min))
            return out
        ''',
        inputs=INTS,
    ),
    Case(
        "max-of-strings-in-a-comprehension",
        '''
        def highest_so_far(names: tuple[str, ...]) -> list[str]:
            return [max(names[:1 + i]) for i in range(0, len(names))]
        ''',
        '''
        def highest_so_far(names: tuple[str, ...]) -> list[str]:
            result: list[str] = []
            for i in range(0, len(names)):
                if i == 0:
                    prefix_max = max(names[:1 + i])
                elif names[i] > prefix_max:
                    prefix_max = names[i]
                result.append(prefix_max)
            return result
        ''',
        inputs=(((),), (("b", "a", "c", "c", "a"),)),
    ),
    Case(
        "float-sums-round-differently",
        '''
        def running_float(values: list[float]) -> list[float]:
            return [sum(values[: i + 1]) for i in range(len(values))]
        ''',
        diagnosed=True,
    ),
    Case(
        "sequence-changes",
        '''
        def grow(values: list[int]) -> list[int]:
            out: list[int] = []
            for i in range(len(values)):
                out.append(sum(values[: i + 1]))
                values[i] = 0
            return out
        ''',
        diagnosed=True,
    ),
    Case(
        "not-a-prefix",
        '''
        def pairs(values: list[int]) -> list[int]:
            return [sum(values[: i + 2]) for i in range(len(values))]
        ''',
    ),
    Case(
        "max-with-a-key",
        '''
        def longest_so_far(words: list[str]) -> list[str]:
            return [max(words[: i + 1], key=len) for i in range(len(words))]
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_prefix_aggregate(case: Case) -> None:
    check(RULE, case)
