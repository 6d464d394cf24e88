"""sorted-index-to-min-max: sorting everything to read one end → min / max, exactly."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.sorted_index import SortedIndex
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = SortedIndex()
INTS: tuple[Args, ...] = (([],), ([3, 1, 2, 1],), ([5],), ([2, 2, 2],), ([1, True, 0, False],), ([True, 1],))
PAIRS: tuple[Args, ...] = (([],), ([("b", 1), ("a", 1), ("c", 0), ("d", 0)],), ([("x", 3)],))

CASES = [
    Case(
        "first-of-ints-guarded",
        '''
        def earliest(times: list[int]) -> int:
            """The earliest of a non-empty list of timestamps."""
            return sorted(times)[0]
        ''',
        '''
        def earliest(times: list[int]) -> int:
            """The earliest of a non-empty list of timestamps."""
            return min(times) if times else sorted(times)[0]
        ''',
        inputs=INTS,
    ),
    Case(
        "last-of-ints-guarded",
        '''
        def latest(times: list[int]) -> int:
            return sorted(times)[-1]
        ''',
        '''
        def latest(times: list[int]) -> int:
            return max(reversed(times)) if times else sorted(times)[-1]
        ''',
        inputs=INTS,
    ),
    Case(
        "key-after-an-emptiness-check",
        '''
        def cheapest(items: list[tuple[str, int]]) -> tuple[str, int]:
            if not items:
                raise ValueError("nothing to choose from")
            return sorted(items, key=lambda item: item[1])[0]
        ''',
        '''
        def cheapest(items: list[tuple[str, int]]) -> tuple[str, int]:
            if not items:
                raise ValueError("nothing to choose from")
            return min(items, key=lambda item: item[1])
        ''',
        inputs=PAIRS,
    ),
    Case(
        "last-with-key-is-the-last-of-ties",
        '''
        def dearest(items: list[tuple[str, int]]) -> tuple[str, int]:
            if len(items) == 0:
                return ("", 0)
            return sorted(items, key=lambda item: item[1])[-1]
        ''',
        '''
        def dearest(items: list[tuple[str, int]]) -> tuple[str, int]:
            if len(items) == 0:
                return ("", 0)
            return max(reversed(items), key=lambda item: item[1])
        ''',
        inputs=(*PAIRS, ([("b", 1), ("a", 1)],)),
    ),
    Case(
        "floats-last-keeps-the-last-of-equals",
        '''
        def high(values: list[float]) -> float:
            present = [v for v in values if v == v]
            if not present:
                raise ValueError("empty")
            low = sorted(present)[0]
            return sorted(present)[-1] - low
        ''',
        '''
        def high(values: list[float]) -> float:
            present = [v for v in values if v == v]
            if not present:
                raise ValueError("empty")
            low = min(present)
            return max(reversed(present)) - low
        ''',
        inputs=(([],), ([0.0, -0.0, 1.5, 1.5],), ([-0.0, 0.0],), ([float("nan"), 2.0],)),
    ),
    Case(
        "reverse-sorted",
        '''
        def ends(scores: tuple[int, ...]) -> tuple[int, int]:
            return sorted(scores, reverse=True)[0] + 1, sorted(scores, reverse=True)[-1]
        ''',
        '''
        def ends(scores: tuple[int, ...]) -> tuple[int, int]:
            return (max(scores) if scores else sorted(scores, reverse=True)[0]) + 1, (min(reversed(scores)) if scores else sorted(scores, reverse=True)[-1])
        ''',
        inputs=(((),), ((3, 1, 2),), ((4,),), ((0, False, 1, True),)),
    ),
    Case(
        "through-a-name",
        '''
        def cheapest_tool(costs: dict[str, int]) -> str:
            ranked = sorted(costs.items(), key=lambda item: (item[1], item[0]))
            return ranked[0][0]
        ''',
        '''
        def cheapest_tool(costs: dict[str, int]) -> str:
            ranked = min(costs.items(), key=lambda item: (item[1], item[0])) if costs.items() else sorted(costs.items(), key=lambda item: (item[1], item[0]))[0]
            return ranked[0]
        ''',
        inputs=(({},), ({"b": 2, "a": 2, "c": 1},), ({"z": 0},)),
    ),
    Case(
        "dict-values",
        '''
        def top(scores: dict[str, float]) -> float:
            if not scores:
                return 0.0
            return sorted(scores.values())[-1]
        ''',
        '''
        def top(scores: dict[str, float]) -> float:
            if not scores:
                return 0.0
            return max(reversed(scores.values()))
        ''',
        inputs=(({},), ({"a": 1.0, "b": 3.0, "c": 3.0},)),
    ),
    Case(
        "second-element",
        '''
        def runner_up(values: list[int]) -> int:
            return sorted(values)[1]
        ''',
    ),
    Case(
        "iterable-may-be-empty",
        '''
        def least(values: Iterable[int]) -> int:
            return sorted(values)[0]
        ''',
        prelude="from collections.abc import Iterable",
        diagnosed=True,
    ),
    Case(
        "computed-argument",
        '''
        def least_square(values: list[int]) -> int:
            return sorted(v * v for v in values)[0]
        ''',
        diagnosed=True,
    ),
    Case(
        "set-members-never-tie",
        '''
        def highest(words: frozenset[str]) -> str:
            return sorted(words)[-1]
        ''',
        '''
        def highest(words: frozenset[str]) -> str:
            return max(words) if words else sorted(words)[-1]
        ''',
        inputs=((frozenset(),), (frozenset({"b", "a", "c"}),)),
    ),
    Case(
        "set-cannot-be-reversed",
        '''
        def longest(words: set[str]) -> str:
            if not words:
                return ""
            return sorted(words, key=len)[-1]
        ''',
        diagnosed=True,
    ),
    Case(
        "checked-then-changed",
        '''
        def first_after_pop(values: list[int]) -> int:
            if not values:
                return 0
            values.pop()
            return sorted(values)[0]
        ''',
        '''
        def first_after_pop(values: list[int]) -> int:
            if not values:
                return 0
            values.pop()
            return min(values) if values else sorted(values)[0]
        ''',
        inputs=(([],), ([1],), ([2, 1, 3],)),
    ),
    Case(
        "name-read-twice",
        '''
        def spread(values: list[int]) -> int:
            ranked = sorted(values)
            return ranked[-1] - ranked[0]
        ''',
        '''
        def spread(values: list[int]) -> int:
            return (max(reversed(values)) if values else sorted(values)[-1]) - min(values)
        ''',
        inputs=(([],), ([3, 1, 2],), ([True, 1, 0],)),
    ),
    Case(
        "both-ends-unpacked-through-a-name",
        '''
        def bounds(scores: list[int]) -> tuple[int, int]:
            ordered = sorted(scores)
            lo, hi = ordered[0], ordered[-1]
            return lo, hi
        ''',
        '''
        def bounds(scores: list[int]) -> tuple[int, int]:
            lo, hi = (min(scores) if scores else sorted(scores)[0]), max(reversed(scores))
            return lo, hi
        ''',
        inputs=(([],), ([5, -1, 5, 0],), ([1, True],)),
    ),
    Case(
        "both-ends-in-two-statements-after-an-emptiness-check",
        '''
        def span(names: list[str]) -> str:
            if not names:
                return ""
            ordered = sorted(names, key=len)
            shortest = ordered[0]
            longest = ordered[-1]
            return shortest + ".." + longest
        ''',
        '''
        def span(names: list[str]) -> str:
            if not names:
                return ""
            shortest = min(names, key=len)
            longest = max(reversed(names), key=len)
            return shortest + ".." + longest
        ''',
        inputs=(([],), (["bb", "a", "cc", "d"],)),
    ),
    Case(
        "read-again-after-a-call",
        '''
        def bounds(scores: list[int], log: list[int]) -> tuple[int, int]:
            ordered = sorted(scores)
            lo = ordered[0]
            log.append(lo)
            return lo, ordered[-1]
        ''',
    ),
    Case(
        "checked-but-of-unknown-type",
        '''
        def least(rows):  # an iterator is truthy even when empty
            if not rows:
                return 0
            return sorted(rows)[0]
        ''',
        diagnosed=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_sorted_index(case: Case) -> None:
    check(RULE, case)
