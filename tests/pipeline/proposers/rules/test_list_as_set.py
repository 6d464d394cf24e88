"""list-membership-to-set: a list used only for `in` and `.append` becomes a set."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.list_as_set import ListAsSet
from tests.pipeline.proposers.rules.cases import Case, check

RULE = ListAsSet()

CASES = [
    Case(
        "seen-keys",
        '''
        def count_new(keys: list[tuple[str, int]]) -> int:
            seen: list[tuple[str, int]] = []  # keys met so far
            fresh = 0
            for key in keys:
                if key not in seen:
                    fresh += 1
                    seen.append(key)
            return fresh
        ''',
        '''
        def count_new(keys: list[tuple[str, int]]) -> int:
            seen: set[tuple[str, int]] = set()  # keys met so far
            fresh = 0
            for key in keys:
                if key not in seen:
                    fresh += 1
                    seen.add(key)
            return fresh
        ''',
        inputs=(([],), ([("a", 1), ("a", 1), ("b", 2)],), ([("x", 0)] * 5,)),
    ),
    Case(
        "continue-form",
        '''
        def first_repeat(words: list[str]) -> str | None:
            met: list[str] = []
            for word in words:
                if word in met:
                    return word
                met.append(word)
            return None
        ''',
        '''
        def first_repeat(words: list[str]) -> str | None:
            met: set[str] = set()
            for word in words:
                if word in met:
                    return word
                met.add(word)
            return None
        ''',
        inputs=(([],), (["a", "b", "a"],), (["a", "b"],), (["b", "b", "b"],)),
    ),
    Case(
        "unannotated-list-of-typed-values-in-a-while-loop",
        '''
        def steps_to_repeat(start: int, modulus: int) -> int:
            visited = []
            value = start
            steps = 0
            while value not in visited:
                visited.append(value)
                value = (value * value + 1) % modulus
                steps += 1
            return steps
        ''',
        '''
        def steps_to_repeat(start: int, modulus: int) -> int:
            visited: set[int] = set()
            value = start
            steps = 0
            while value not in visited:
                visited.add(value)
                value = (value * value + 1) % modulus
                steps += 1
            return steps
        ''',
        inputs=((0, 7), (3, 10), (5, 1)),
    ),
    Case(
        "returned-list-stays",
        '''
        def unique(items: list[str]) -> list[str]:
            seen: list[str] = []
            for item in items:
                if item not in seen:
                    seen.append(item)
            return seen
        ''',
    ),
    Case(
        "iterated-list-stays",
        '''
        def count(items: list[str]) -> int:
            seen: list[str] = []
            for item in items:
                if item not in seen:
                    seen.append(item)
            return sum(1 for _ in seen)
        ''',
    ),
    Case(
        "passed-on-list-stays",
        '''
        def collect(items: list[str], sink: list[list[str]]) -> None:
            seen: list[str] = []
            for item in items:
                if item not in seen:
                    seen.append(item)
            sink.append(seen)
        ''',
    ),
    Case(
        "unhashable-elements-stay",
        '''
        def distinct(rows: list[list[int]]) -> int:
            seen: list[list[int]] = []
            for row in rows:
                if row not in seen:
                    seen.append(row)
            return 0
        ''',
        diagnosed=True,
    ),
    Case(
        "unannotated-stays",
        '''
        def distinct(rows):
            seen = []
            n = 0
            for row in rows:
                if row not in seen:
                    seen.append(row)
                    n += 1
            return n
        ''',
        diagnosed=True,
    ),
    Case(
        "indexed-list-stays",
        '''
        def last_new(items: list[str]) -> str:
            seen: list[str] = []
            for item in items:
                if item not in seen:
                    seen.append(item)
            return seen[-1]
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_list_as_set(case: Case) -> None:
    check(RULE, case)
