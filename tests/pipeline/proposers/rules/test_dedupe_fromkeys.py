"""dedupe-dict-fromkeys: order-preserving dedupe by `not in` on a list → list(dict.fromkeys(...))."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.dedupe_fromkeys import DedupeFromKeys
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = DedupeFromKeys()
WORDS: tuple[Args, ...] = (([],), (["b", "a", "b", "c", "a"],), (["x"] * 4,), (["", "#c", "a", "", "a"],))

CASES = [
    Case(
        "not-in-then-append",
        '''
        def unique_in_order(items: list[str]) -> list[str]:
            """Drop repeated items, keeping the first occurrence of each."""
            seen: list[str] = []
            for item in items:
                if item not in seen:
                    seen.append(item)
            return seen
        ''',
        '''
        def unique_in_order(items: list[str]) -> list[str]:
            """Drop repeated items, keeping the first occurrence of each."""
            seen: list[str] = list(dict.fromkeys(items))
            return seen
        ''',
        inputs=WORDS,
    ),
    Case(
        "filter-kept-as-condition",
        '''
        def unique_keywords(tokens: list[str]) -> list[str]:
            out: list[str] = []
            for token in tokens:
                if token in STOPWORDS:
                    continue
                if token not in out:
                    out.append(token)
            return out
        ''',
        '''
        def unique_keywords(tokens: list[str]) -> list[str]:
            out: list[str] = list(dict.fromkeys(token for token in tokens if token not in STOPWORDS))
            return out
        ''',
        inputs=(*WORDS, (["the", "a", "cat", "the", "cat"],)),
        prelude='STOPWORDS: frozenset[str] = frozenset({"a", "the"})',
    ),
    Case(
        "continue-form-several-filters",
        '''
        def labels(words: list[str]) -> list[str]:
            # comments above the list stay
            result = []
            for word in words:
                if not word:
                    continue
                if word.startswith("#"):
                    continue
                if word in result:
                    continue
                result.append(word)
            return result
        ''',
        '''
        def labels(words: list[str]) -> list[str]:
            # comments above the list stay
            result = list(dict.fromkeys(word for word in words if word and not word.startswith("#")))
            return result
        ''',
        inputs=WORDS,
    ),
    Case(
        "ints-with-a-statement-in-between",
        '''
        def distinct(values: tuple[int, ...]) -> tuple[int, int]:
            out: list[int] = []
            total = sum(values)
            for value in values:
                if value not in out:
                    out.append(value)
            return total, len(out)
        ''',
        '''
        def distinct(values: tuple[int, ...]) -> tuple[int, int]:
            total = sum(values)
            out: list[int] = list(dict.fromkeys(values))
            return total, len(out)
        ''',
        inputs=(((),), ((1, 2, 1, True, 3),), ((0, 0, 0),)),
    ),
    Case(
        "comprehension-with-a-side-list",
        '''
        def first_seen(tags: list[str]) -> list[str]:
            seen: list[str] = []
            kept = [t for t in tags if t not in seen and not seen.append(t)]  # type: ignore[func-returns-value]
            return kept
        ''',
        '''
        def first_seen(tags: list[str]) -> list[str]:
            kept = list(dict.fromkeys(tags))
            return kept
        ''',
        inputs=(([],), (["b", "a", "b", "c", "a"],)),
    ),
    Case(
        "returned-comprehension-with-an-or-side-list",
        '''
        def distinct(ids: tuple[int, ...]) -> list[int]:
            met = []
            return [i for i in ids if not (i in met or met.append(i))]  # type: ignore[func-returns-value]
        ''',
        '''
        def distinct(ids: tuple[int, ...]) -> list[int]:
            return list(dict.fromkeys(ids))
        ''',
        inputs=(((),), ((3, 1, 3, True, 1, 2),)),
    ),
    Case(
        "comprehension-run-for-its-appends",
        '''
        def order_of_arrival(events: list[str]) -> list[str]:
            arrivals: list[str] = []
            [arrivals.append(e) for e in events if e not in arrivals]  # type: ignore[func-returns-value]
            return arrivals
        ''',
        '''
        def order_of_arrival(events: list[str]) -> list[str]:
            arrivals: list[str] = list(dict.fromkeys(events))
            return arrivals
        ''',
        inputs=(([],), (["x", "y", "x"],)),
    ),
    Case(
        "side-list-read-afterwards",
        '''
        def both(tags: list[str]) -> tuple[list[str], int]:
            seen: list[str] = []
            kept = [t for t in tags if not (t in seen or seen.append(t))]  # type: ignore[func-returns-value]
            return kept, len(seen)
        ''',
        diagnosed=True,
    ),
    Case(
        "appends-a-transformed-value",
        '''
        def folded(words: list[str]) -> list[str]:
            out: list[str] = []
            for word in words:
                if word.lower() not in out:
                    out.append(word.lower())
            return out
        ''',
    ),
    Case(
        "loop-variable-read-after",
        '''
        def unique_and_last(items: list[str]) -> tuple[list[str], str]:
            out: list[str] = []
            item = ""
            for item in items:
                if item not in out:
                    out.append(item)
            return out, item
        ''',
        diagnosed=True,
    ),
    Case(
        "starts-non-empty",
        '''
        def with_default(items: list[str]) -> list[str]:
            out: list[str] = ["default"]
            for item in items:
                if item not in out:
                    out.append(item)
            return out
        ''',
        diagnosed=True,
    ),
    Case(
        "loop-does-more",
        '''
        def unique_counted(items: list[str]) -> tuple[list[str], int]:
            out: list[str] = []
            repeats = 0
            for item in items:
                if item in out:
                    repeats += 1
                    continue
                out.append(item)
            return out, repeats
        ''',
    ),
    Case(
        "unhashable-items",
        '''
        def unique_rows(rows: list[list[int]]) -> list[list[int]]:
            out: list[list[int]] = []
            for row in rows:
                if row not in out:
                    out.append(row)
            return out
        ''',
        diagnosed=True,
    ),
    Case(
        "filter-reads-the-list",
        '''
        def first_three(items: list[str]) -> list[str]:
            out: list[str] = []
            for item in items:
                if len(out) >= 3:
                    continue
                if item not in out:
                    out.append(item)
            return out
        ''',
        diagnosed=True,
    ),
    Case(
        "iterates-the-list-itself",
        '''
        def odd(items: list[str]) -> list[str]:
            out: list[str] = []
            for item in out:
                if item not in out:
                    out.append(item)
            return out
        ''',
        diagnosed=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_dedupe_fromkeys(case: Case) -> None:
    check(RULE, case)
