"""memoize-recursion: a pure function that recomputes its own subproblems → a per-call cache."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.memoize import MemoizeRecursion
from tests.pipeline.proposers.rules.cases import Case, check

RULE = MemoizeRecursion()

CASES = [
    Case(
        "fibonacci",
        '''
        def fib_backoff(level: int) -> int:
            """Minutes to wait before re-escalating at ``level``."""
            if level <= 1:
                return UNIT  # the first two levels wait one unit
            return fib_backoff(level - 1) + fib_backoff(level - 2)
        ''',
        '''
        def fib_backoff(level: int) -> int:
            """Minutes to wait before re-escalating at ``level``."""
            fib_backoff_cache: dict[int, int] = {}

            def fib_backoff_memo(level: int) -> int:
                if level in fib_backoff_cache:
                    return fib_backoff_cache[level]
                if level <= 1:
                    return fib_backoff_cache.setdefault(level, UNIT)  # the first two levels wait one unit
                return fib_backoff_cache.setdefault(level, fib_backoff_memo(level - 1) + fib_backoff_memo(level - 2))

            return fib_backoff_memo(level)
        ''',
        inputs=((-3,), (0,), (1,), (2,), (12,), (True,)),
        prelude="UNIT = 15",
    ),
    Case(
        "edit-distance",
        '''
        def edit_distance(a: str, b: str) -> int:
            if not a:
                return len(b)
            if not b:
                return len(a)
            if a[0] == b[0]:
                return edit_distance(a[1:], b[1:])
            return 1 + min(edit_distance(a[1:], b), edit_distance(a, b[1:]), edit_distance(a[1:], b[1:]))
        ''',
        '''
        def edit_distance(a: str, b: str) -> int:
            edit_distance_cache: dict[tuple[str, str], int] = {}

            def edit_distance_memo(a: str, b: str) -> int:
                if (a, b) in edit_distance_cache:
                    return edit_distance_cache[a, b]
                if not a:
                    return edit_distance_cache.setdefault((a, b), len(b))
                if not b:
                    return edit_distance_cache.setdefault((a, b), len(a))
                if a[0] == b[0]:
                    return edit_distance_cache.setdefault((a, b), edit_distance_memo(a[1:], b[1:]))
                return edit_distance_cache.setdefault((a, b), 1 + min(edit_distance_memo(a[1:], b), edit_distance_memo(a, b[1:]), edit_distance_memo(a[1:], b[1:])))

            return edit_distance_memo(a, b)
        ''',
        inputs=(("", ""), ("kitten", "sitting"), ("abc", ""), ("same", "same"), ("ab", "ba")),
    ),
    Case(
        "pass-through-parameters-stay-outside-the-key",
        '''
        def count_paths(succ: dict[int, list[int]], src: int, dst: int) -> int:
            if src == dst:
                return 1
            total = 0
            for nxt in succ.get(src, []):
                if nxt <= dst:
                    total += count_paths(succ, nxt, dst)
            return total
        ''',
        '''
        def count_paths(succ: dict[int, list[int]], src: int, dst: int) -> int:
            count_paths_cache: dict[int, int] = {}

            def count_paths_memo(src: int) -> int:
                if src in count_paths_cache:
                    return count_paths_cache[src]
                if src == dst:
                    return count_paths_cache.setdefault(src, 1)
                total = 0
                for nxt in succ.get(src, []):
                    if nxt <= dst:
                        total += count_paths_memo(nxt)
                return count_paths_cache.setdefault(src, total)

            return count_paths_memo(src)
        ''',
        inputs=(({}, 0, 0), ({0: [1, 2], 1: [2, 3], 2: [3]}, 0, 3), ({0: [1], 1: [2]}, 0, 5),
                ({i: [i + 1, i + 2] for i in range(30)}, 0, 30)),
    ),
    Case(
        "tuple-argument",
        '''
        def partitions(parts: tuple[int, ...], total: int) -> int:
            if total == 0:
                return 1
            if total < 0 or not parts:
                return 0
            return partitions(parts, total - parts[0]) + partitions(parts[1:], total)
        ''',
        '''
        def partitions(parts: tuple[int, ...], total: int) -> int:
            partitions_cache: dict[tuple[tuple[int, ...], int], int] = {}

            def partitions_memo(parts: tuple[int, ...], total: int) -> int:
                if (parts, total) in partitions_cache:
                    return partitions_cache[parts, total]
                if total == 0:
                    return partitions_cache.setdefault((parts, total), 1)
                if total < 0 or not parts:
                    return partitions_cache.setdefault((parts, total), 0)
                return partitions_cache.setdefault((parts, total), partitions_memo(parts, total - parts[0]) + partitions_memo(parts[1:], total))

            return partitions_memo(parts, total)
        ''',
        inputs=(((), 0), ((1, 2, 5), 11), ((3,), 7), ((2, 3), -1)),
    ),
    Case(
        "linear-recursion-gains-nothing",
        '''
        def factorial(n: int) -> int:
            return 1 if n <= 1 else n * factorial(n - 1)
        ''',
    ),
    Case(
        "impure-call",
        '''
        def noisy(n: int) -> int:
            print(n)
            return n if n < 2 else noisy(n - 1) + noisy(n - 2)
        ''',
        diagnosed=True,
    ),
    Case(
        "float-argument",
        '''
        def halves(x: float) -> int:
            return 0 if x < 1 else halves(x / 2) + halves(x / 2 - 0.5)
        ''',
        diagnosed=True,
    ),
    Case(
        "writes-state",
        '''
        def traced(n: int, log: list[int]) -> int:
            log.append(n)
            return n if n < 2 else traced(n - 1, log) + traced(n - 2, log)
        ''',
        diagnosed=True,
    ),
    Case(
        "decorated",
        '''
        @functools.cache
        def fib(n: int) -> int:
            return n if n < 2 else fib(n - 1) + fib(n - 2)
        ''',
        prelude="import functools",
    ),
    Case(
        "method",
        '''
        def fib(self, n: int) -> int:
            return n if n < 2 else fib(self, n - 1) + fib(self, n - 2)
        ''',
        diagnosed=True,
    ),
    Case(
        "keyword-call",
        '''
        def fib(n: int) -> int:
            return n if n < 2 else fib(n=n - 1) + fib(n - 2)
        ''',
        diagnosed=True,
    ),
    Case(
        "used-as-a-value",
        '''
        def fib(n: int) -> int:
            if n < 2:
                return n
            return sum(map(fib, [n - 1, n - 2]))
        ''',
    ),
    Case(
        "list-argument-keyed-by-a-tuple",
        '''
        def walk(path: list[int], n: int) -> int:
            return 0 if n <= 0 else walk(path[1:], n - 1) + walk(path[2:], n - 2)
        ''',
        '''
        def walk(path: list[int], n: int) -> int:
            walk_cache: dict[tuple[tuple[int, ...], int], int] = {}

            def walk_memo(path: list[int], n: int) -> int:
                key = (tuple(path), n)
                if key in walk_cache:
                    return walk_cache[key]
                return walk_cache.setdefault(key, (0 if n <= 0 else walk_memo(path[1:], n - 1) + walk_memo(path[2:], n - 2)))

            return walk_memo(path, n)
        ''',
        inputs=(([], 0), ([1, 2, 3], 4), ([5], 12)),
    ),
    Case(
        "edit-distance-on-lists-of-words",
        '''
        def word_distance(a: list[str], b: list[str]) -> int:
            if not a or not b:
                return len(a) + len(b)
            if a[0] == b[0]:
                return word_distance(a[1:], b[1:])
            return 1 + min(word_distance(a[1:], b), word_distance(a, b[1:]))
        ''',
        '''
        def word_distance(a: list[str], b: list[str]) -> int:
            word_distance_cache: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}

            def word_distance_memo(a: list[str], b: list[str]) -> int:
                key = (tuple(a), tuple(b))
                if key in word_distance_cache:
                    return word_distance_cache[key]
                if not a or not b:
                    return word_distance_cache.setdefault(key, len(a) + len(b))
                if a[0] == b[0]:
                    return word_distance_cache.setdefault(key, word_distance_memo(a[1:], b[1:]))
                return word_distance_cache.setdefault(key, 1 + min(word_distance_memo(a[1:], b), word_distance_memo(a, b[1:])))

            return word_distance_memo(a, b)
        ''',
        inputs=(([], []), (["a", "b", "c"], ["a", "c"]), (["x", "y", "x", "y"], ["y", "x", "y", "x", "z"])),
    ),
    Case(
        "unhashable-argument",
        '''
        def walk(paths: list[list[int]], n: int) -> int:
            return 0 if n <= 0 else walk(paths[1:], n - 1) + walk(paths[2:], n - 2)
        ''',
        diagnosed=True,
    ),
    Case(
        "unannotated",
        '''
        def ways(n):
            return 1 if n <= 1 else ways(n - 1) + ways(n - 2)
        ''',
        diagnosed=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_memoize(case: Case) -> None:
    check(RULE, case)
