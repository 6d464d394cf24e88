"""count-in-one-pass: a recount of the whole list for every item → one counting pass."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.counting import NestedCounting
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = NestedCounting()
WORDS: tuple[Args, ...] = (([],), (["b", "a", "b", "c", "a", "b"],), (["x"],), (["x", "y"],))

CASES = [
    Case(
        "generator-sum-whole-dict",
        '''
        def word_frequencies(words: list[str]) -> dict[str, int]:
            """Count occurrences of each word, keyed in order of first appearance."""
            counts: dict[str, int] = {}
            for word in words:
                if word in counts:
                    continue
                counts[word] = sum(1 for other in words if other == word)
            return counts
        ''',
        '''
        def word_frequencies(words: list[str]) -> dict[str, int]:
            """Count occurrences of each word, keyed in order of first appearance."""
            counts: dict[str, int] = {}
            for word in words:
                counts[word] = counts.get(word, 0) + 1
            return counts
        ''',
        inputs=WORDS,
    ),
    Case(
        "counting-loop-whole-dict",
        '''
        def group_counts(keys: list[str]) -> dict[str, int]:
            counts: dict[str, int] = {}
            for key in keys:
                if key in counts:
                    continue
                n = 0
                for other in keys:
                    if other == key:
                        n += 1
                counts[key] = n
            return counts
        ''',
        '''
        def group_counts(keys: list[str]) -> dict[str, int]:
            counts: dict[str, int] = {}
            for key in keys:
                counts[key] = counts.get(key, 0) + 1
            return counts
        ''',
        inputs=WORDS,
    ),
    Case(
        "counting-loop-then-lookup",
        '''
        def most_common(values: list[str]) -> str:
            best = ""
            best_count = 0
            for value in values:
                count = 0
                for other in values:
                    if other == value:
                        count += 1
                if count > best_count:
                    best = value
                    best_count = count
            return best
        ''',
        '''
        def most_common(values: list[str]) -> str:
            best = ""
            best_count = 0
            values_tally = dict.fromkeys(values, 0)
            for counted in values:
                values_tally[counted] += 1
            for value in values:
                count = values_tally[value]
                if count > best_count:
                    best = value
                    best_count = count
            return best
        ''',
        inputs=WORDS,
    ),
    Case(
        "counting-another-list",
        '''
        def keyword_counts(tokens: list[str], vocabulary: list[str]) -> dict[str, int]:
            counts: dict[str, int] = {}
            for word in vocabulary:
                n = 0
                for token in tokens:
                    if token == word:
                        n += 1
                counts[word] = n
            return counts
        ''',
        '''
        def keyword_counts(tokens: list[str], vocabulary: list[str]) -> dict[str, int]:
            counts: dict[str, int] = {}
            tokens_tally = dict.fromkeys(tokens, 0)
            for counted in tokens:
                tokens_tally[counted] += 1
            for word in vocabulary:
                n = tokens_tally.get(word, 0)
                counts[word] = n
            return counts
        ''',
        inputs=(([], []), (["a", "b", "a"], ["a", "c", "a"]), ([], ["a"]), (["z"], [])),
    ),
    Case(
        "list-count-in-a-loop",
        '''
        def repeated(ids: list[int]) -> list[int]:
            out: list[int] = []
            for i in ids:
                if ids.count(i) > 1:
                    out.append(i)
            return out
        ''',
        '''
        def repeated(ids: list[int]) -> list[int]:
            out: list[int] = []
            ids_tally = dict.fromkeys(ids, 0)
            for counted in ids:
                ids_tally[counted] += 1
            for i in ids:
                if ids_tally[i] > 1:
                    out.append(i)
            return out
        ''',
        inputs=(([],), ([3, 1, 3, 2, 1, 3],), ([True, 1, 2],)),
    ),
    Case(
        "most-common-by-count-key",
        '''
        def most_common(labels: list[str]) -> str:
            return max(set(labels), key=labels.count)
        ''',
        '''
        def most_common(labels: list[str]) -> str:
            labels_tally = dict.fromkeys(labels, 0)
            for counted in labels:
                labels_tally[counted] += 1
            return max(set(labels), key=labels_tally.__getitem__)
        ''',
        inputs=(([],), (["b", "a", "b", "c", "a"],), (["z"],)),
    ),
    Case(
        "ranked-by-count-key-over-the-list-itself",
        '''
        def by_frequency(ids: tuple[int, ...]) -> list[int]:
            ranked = sorted(ids, key=ids.count, reverse=True)
            return ranked
        ''',
        '''
        def by_frequency(ids: tuple[int, ...]) -> list[int]:
            ids_tally = dict.fromkeys(ids, 0)
            for counted in ids:
                ids_tally[counted] += 1
            ranked = sorted(ids, key=ids_tally.__getitem__, reverse=True)
            return ranked
        ''',
        inputs=(((),), ((3, 1, 3, 2, 1, 3, True),)),
    ),
    Case(
        "count-in-a-comprehension-condition",
        '''
        def singles(words: list[str]) -> list[str]:
            return [w.upper() for w in words if words.count(w) == 1]
        ''',
        '''
        def singles(words: list[str]) -> list[str]:
            words_tally = dict.fromkeys(words, 0)
            for counted in words:
                words_tally[counted] += 1
            return [w.upper() for w in words if words_tally[w] == 1]
        ''',
        inputs=(([],), (["a", "b", "a", "c"],)),
    ),
    Case(
        "count-key-over-other-candidates",
        '''
        def best_of(candidates: list[str], votes: list[str]) -> str:
            return max(candidates, key=votes.count)
        ''',
    ),
    Case(
        "count-key-of-unknown-elements",
        '''
        def most_common(labels: list[object]) -> object:
            return max(set(labels), key=labels.count)
        ''',
        diagnosed=True,
    ),
    Case(
        "sum-of-equalities-per-item",
        '''
        def agreement(votes: list[str], options: list[str]) -> dict[str, int]:
            result = {}
            for option in options:
                result[option] = sum(v == option for v in votes)
            return result
        ''',
        '''
        def agreement(votes: list[str], options: list[str]) -> dict[str, int]:
            result = {}
            votes_tally = dict.fromkeys(votes, 0)
            for counted in votes:
                votes_tally[counted] += 1
            for option in options:
                result[option] = votes_tally.get(option, 0)
            return result
        ''',
        inputs=(([], []), (["a", "b", "a"], ["a", "c"])),
    ),
    Case(
        "length-of-a-filtered-list-per-item",
        '''
        def duplicated(ids: list[int]) -> list[int]:
            return [i for i in ids if len([j for j in ids if j == i]) > 1]
        ''',
        '''
        def duplicated(ids: list[int]) -> list[int]:
            ids_tally = dict.fromkeys(ids, 0)
            for counted in ids:
                ids_tally[counted] += 1
            return [i for i in ids if ids_tally[i] > 1]
        ''',
        inputs=(([],), ([4, 2, 4, 1, True, 1],)),
    ),
    Case(
        "dict-comprehension",
        '''
        def tally(words: tuple[str, ...]) -> dict[str, int]:
            return {w: words.count(w) for w in words}
        ''',
        '''
        def tally(words: tuple[str, ...]) -> dict[str, int]:
            counts = dict.fromkeys(words, 0)
            for counted in words:
                counts[counted] += 1
            return counts
        ''',
        inputs=(((),), (("a", "b", "a"),)),
    ),
    Case(
        "list-comprehension-over-another-list",
        '''
        def hits(tokens: list[str], vocabulary: list[str]) -> list[int]:
            return [sum(1 for t in tokens if w == t) for w in vocabulary]
        ''',
        '''
        def hits(tokens: list[str], vocabulary: list[str]) -> list[int]:
            tokens_tally = dict.fromkeys(tokens, 0)
            for counted in tokens:
                tokens_tally[counted] += 1
            return [tokens_tally.get(w, 0) for w in vocabulary]
        ''',
        inputs=(([], []), (["a", "b", "a"], ["a", "c", "a"])),
    ),
    Case(
        "str-count-counts-substrings",
        '''
        def letters(text: str) -> dict[str, int]:
            counts: dict[str, int] = {}
            for ch in text:
                counts[ch] = text.count(ch)
            return counts
        ''',
    ),
    Case(
        "list-changes-in-the-loop",
        '''
        def drain(words: list[str]) -> list[int]:
            out: list[int] = []
            for word in words:
                out.append(sum(1 for w in words if w == word))
                words.append("x")
                break
            return out
        ''',
        diagnosed=True,
    ),
    Case(
        "not-an-equality",
        '''
        def smaller(values: list[int]) -> dict[int, int]:
            counts: dict[int, int] = {}
            for v in values:
                counts[v] = sum(1 for w in values if w < v)
            return counts
        ''',
    ),
    Case(
        "floats-are-not-counted-by-hash",
        '''
        def float_counts(values: list[float]) -> dict[float, int]:
            counts: dict[float, int] = {}
            for v in values:
                counts[v] = sum(1 for w in values if w == v)
            return counts
        ''',
        diagnosed=True,
    ),
    Case(
        "unannotated",
        '''
        def counts_of(values):
            return {v: values.count(v) for v in values}
        ''',
        diagnosed=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_counting(case: Case) -> None:
    check(RULE, case)
