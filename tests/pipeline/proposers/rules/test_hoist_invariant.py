"""hoist-loop-invariant: a pure, non-raising call on values the loop never changes → computed once."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.hoist_invariant import HoistInvariant
from tests.pipeline.proposers.rules.cases import Case, check

RULE = HoistInvariant()

CASES = [
    Case(
        "str-methods-of-a-parameter",
        '''
        def rank_entries(entries: list[tuple[str, str]], query: str) -> list[str]:
            scored: list[tuple[int, str]] = []
            for key, value in entries:
                terms = query.lower().split()
                words = (key + " " + value).lower().split()
                score = 0
                for term in terms:
                    if term in words:
                        score += 1
                if score > 0:
                    scored.append((score, key))
            scored.sort(key=lambda pair: -pair[0])
            return [key for _, key in scored]
        ''',
        '''
        def rank_entries(entries: list[tuple[str, str]], query: str) -> list[str]:
            scored: list[tuple[int, str]] = []
            query_lower_split = query.lower().split()
            for key, value in entries:
                terms = query_lower_split
                words = (key + " " + value).lower().split()
                score = 0
                for term in terms:
                    if term in words:
                        score += 1
                if score > 0:
                    scored.append((score, key))
            scored.sort(key=lambda pair: -pair[0])
            return [key for _, key in scored]
        ''',
        inputs=(([], "x"), ([("a", "b c"), ("d", "e")], "B C z"), ([("k", "v")], "")),
    ),
    Case(
        "sum-and-len-hoisted-out-of-nested-loops",
        '''
        def above_mean(rows: list[list[int]], values: list[int]) -> int:
            count = 0
            for row in rows:
                for cell in row:
                    if cell * len(values) > sum(values):
                        count += 1
            return count
        ''',
        '''
        def above_mean(rows: list[list[int]], values: list[int]) -> int:
            count = 0
            values_len = len(values)
            values_sum = sum(values)
            for row in rows:
                for cell in row:
                    if cell * values_len > values_sum:
                        count += 1
            return count
        ''',
        inputs=(([], []), ([[1, 5], [3]], [1, 2, 3]), ([[0]], [])),
    ),
    Case(
        "comprehension-condition",
        '''
        def tagged(lines: list[str], tag: str) -> list[str]:
            return [line for line in lines if line.startswith(tag.strip("#"))]
        ''',
        '''
        def tagged(lines: list[str], tag: str) -> list[str]:
            tag_strip = tag.strip("#")
            return [line for line in lines if line.startswith(tag_strip)]
        ''',
        inputs=(([], "#a"), (["ab", "b", "#a"], "#a#"), (["x"], "")),
    ),
    Case(
        "pair-count-in-nested-while-loops",
        '''
        def close_pairs(xs: list[int], gap: int) -> int:
            count = 0
            i = 0
            while i < len(xs):
                j = i + 1
                while j < len(xs):
                    if abs(xs[i] - xs[j]) <= gap:
                        count += 1
                    j += 1
                i += 1
            return count
        ''',
        '''
        def close_pairs(xs: list[int], gap: int) -> int:
            count = 0
            i = 0
            xs_len = len(xs)
            while i < xs_len:
                j = i + 1
                while j < xs_len:
                    if abs(xs[i] - xs[j]) <= gap:
                        count += 1
                    j += 1
                i += 1
            return count
        ''',
        inputs=(([], 1), ([1, 5, 2, 9, 3], 2), ([0, 0, 0], 0)),
    ),
    Case(
        "generator-element",
        '''
        def share(counts: list[int], weights: dict[str, int]) -> list[float]:
            return list(c / max(sum(counts), 1) for c in counts if c in weights.values())
        ''',
        '''
        def share(counts: list[int], weights: dict[str, int]) -> list[float]:
            counts_sum = sum(counts)
            return list(c / max(counts_sum, 1) for c in counts if c in weights.values())
        ''',
        inputs=(([], {}), ([1, 2, 3], {"a": 2, "b": 3}),),
    ),
    Case(
        "loop-over-the-lines",
        '''
        def prefixed(lines: list[str], tag: str) -> int:
            n = 0
            for line in lines:
                if line.startswith(tag.strip("# ")):
                    n += 1
            return n
        ''',
        '''
        def prefixed(lines: list[str], tag: str) -> int:
            n = 0
            tag_strip = tag.strip("# ")
            for line in lines:
                if line.startswith(tag_strip):
                    n += 1
            return n
        ''',
        inputs=(([], "#a"), (["ab", "b", "a"], "# a"), (["x"], "")),
    ),
    Case(
        "operand-rebound-in-the-loop",
        '''
        def shrinking(words: list[str], query: str) -> int:
            n = 0
            for word in words:
                if word in query.lower():
                    n += 1
                query = query[1:]
            return n
        ''',
    ),
    Case(
        "not-known-to-be-a-str",
        '''
        def matches(words: list[str], query) -> int:
            n = 0
            for word in words:
                if word == query.lower():
                    n += 1
            return n
        ''',
    ),
    Case(
        "list-handed-to-a-call",
        '''
        def spread(values: list[float]) -> list[float]:
            out: list[float] = []
            for v in values:
                out.append(v - sum(values) / len(values) + deviation(values))
            return out
        ''',
        prelude="def deviation(xs: list[float]) -> float:\n    return 0.0",
    ),
    Case(
        "split-on-an-empty-separator-raises",
        '''
        def pieces(lines: list[str], text: str) -> int:
            n = 0
            for line in lines:
                n += len(text.split(""))
            return n
        ''',
    ),
    Case(
        "split-list-changed",
        '''
        def consume(lines: list[str], text: str) -> int:
            n = 0
            for line in lines:
                words = text.split()
                words.append(line)
                n += len(words)
            return n
        ''',
        diagnosed=True,
    ),
    Case(
        "a-str-handed-to-a-call-cannot-change",
        '''
        def count_like(words: list[str], query: str) -> int:
            n = 0
            for word in words:
                if word == query.lower():
                    n += 1
                note(query)
            return n
        ''',
        '''
        def count_like(words: list[str], query: str) -> int:
            n = 0
            query_lower = query.lower()
            for word in words:
                if word == query_lower:
                    n += 1
                note(query)
            return n
        ''',
        inputs=(([], "A"), (["a", "b", "a"], "A"), (["x"], "")),
        prelude="def note(text: str) -> None:\n    pass",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hoist_invariant(case: Case) -> None:
    check(RULE, case)
