"""hoist-constant-literal: a constant dict/set/list rebuilt in every iteration → built once."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.hoist_literal import HoistLiteral
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = HoistLiteral()
WORDS: tuple[Args, ...] = (([],), (["the", "Cat", "a", "sat", "x"],), (["an", "an"],))

CASES = [
    Case(
        "named-set-moves-out-keeping-its-name",
        '''
        def content_words(words: list[str]) -> list[str]:
            kept = []
            for word in words:
                stop = {"a", "an", "the"}
                if word.lower() not in stop:
                    kept.append(word)
            return kept
        ''',
        '''
        def content_words(words: list[str]) -> list[str]:
            kept = []
            stop = {"a", "an", "the"}
            for word in words:
                if word.lower() not in stop:
                    kept.append(word)
            return kept
        ''',
        inputs=WORDS,
    ),
    Case(
        "dict-display-looked-up-in-a-comprehension",
        '''
        def weights(words: list[str]) -> list[int]:
            return [{"a": 1, "the": 2, "cat": 5}.get(w, 0) for w in words]
        ''',
        '''
        def weights(words: list[str]) -> list[int]:
            lookup_table = {"a": 1, "the": 2, "cat": 5}
            return [lookup_table.get(w, 0) for w in words]
        ''',
        inputs=WORDS,
    ),
    Case(
        "set-call-and-frozenset-in-a-while-loop",
        '''
        def vowel_counts(words: list[str]) -> list[int]:
            out: list[int] = []
            i = 0
            while i < len(words):
                vowels = set("aeiou")
                out.append(sum(1 for c in words[i] if c in vowels and c not in frozenset(["y"])))
                i += 1
            return out
        ''',
        '''
        def vowel_counts(words: list[str]) -> list[int]:
            out: list[int] = []
            i = 0
            vowels = set("aeiou")
            member_set = frozenset(["y"])
            while i < len(words):
                out.append(sum(1 for c in words[i] if c in vowels and c not in member_set))
                i += 1
            return out
        ''',
        inputs=WORDS,
    ),
    Case(
        "name-read-after-the-loop-stays-bound-in-it",
        '''
        def last_rank(words: list[str]) -> int:
            ranks: dict[str, int] = {}
            rank = 0
            for word in words:
                ranks = {"low": 1, "high": 3}
                rank = ranks.get(word, rank)
            return rank + len(ranks)
        ''',
        '''
        def last_rank(words: list[str]) -> int:
            ranks: dict[str, int] = {}
            rank = 0
            lookup_table = {"low": 1, "high": 3}
            for word in words:
                ranks = lookup_table
                rank = ranks.get(word, rank)
            return rank + len(ranks)
        ''',
        inputs=(([],), (["high", "x"],)),
    ),
    Case(
        "dict-of-pairs-in-nested-loops",
        '''
        def score(rows: list[list[str]]) -> int:
            total = 0
            for row in rows:
                for cell in row:
                    total += dict([("x", 2), ("o", 1)]).get(cell, 0)
            return total
        ''',
        '''
        def score(rows: list[list[str]]) -> int:
            total = 0
            lookup_table = dict([("x", 2), ("o", 1)])
            for row in rows:
                for cell in row:
                    total += lookup_table.get(cell, 0)
            return total
        ''',
        inputs=(([],), ([["x", "o", "-"], [], ["x"]],)),
    ),
    Case(
        "fresh-accumulator-per-iteration",
        '''
        def tallies(rows: list[list[str]]) -> list[dict[str, int]]:
            out = []
            for row in rows:
                counts = {"x": 0, "o": 0}
                for cell in row:
                    if cell in counts:
                        counts[cell] += 1
                out.append(counts)
            return out
        ''',
    ),
    Case(
        "folded-by-the-compiler",
        '''
        def hits(words: list[str]) -> int:
            return sum(1 for w in words if w in {"a", "b"} or w in ["c", "d"])
        ''',
    ),
    Case(
        "mutable-items",
        '''
        def groups(words: list[str]) -> int:
            n = 0
            for w in words:
                n += len({"a": [1, 2]}.get(w, []))
            return n
        ''',
    ),
    Case(
        "handed-to-a-call",
        '''
        def flagged(words: list[str], sink: list[set[str]]) -> None:
            for w in words:
                sink.append({"seen", w})
        ''',
    ),
    Case(
        "not-in-a-loop",
        '''
        def is_stop(word: str) -> bool:
            return word in set(["a", "the"])
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hoist_literal(case: Case) -> None:
    check(RULE, case)
