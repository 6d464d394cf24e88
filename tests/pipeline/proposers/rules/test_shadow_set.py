"""membership-shadow-set: `in` tests against a growing result list → a set kept beside it."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.shadow_set import ShadowSet
from tests.pipeline.proposers.rules.cases import Case, check

RULE = ShadowSet()

CASES = [
    Case(
        "visited-list",
        '''
        def reachable(edges: dict[str, list[str]], start: str) -> list[str]:
            order: list[str] = [start]
            for node in order:
                for nxt in edges.get(node, []):
                    if nxt not in order:
                        order.append(nxt)
            return order
        ''',
        '''
        def reachable(edges: dict[str, list[str]], start: str) -> list[str]:
            order: list[str] = [start]
            order_set: set[str] = {start}
            for node in order:
                for nxt in edges.get(node, []):
                    if nxt not in order_set:
                        order.append(nxt)
                        order_set.add(nxt)
            return order
        ''',
        inputs=(({}, "a"), ({"a": ["b", "c"], "b": ["a", "d"], "d": ["d"]}, "a")),
    ),
    Case(
        "unique-names",
        '''
        def header_names(raw: list[str]) -> list[str]:
            names: list[str] = []
            for index, text in enumerate(raw):
                base = text.strip().lower() or f"col_{index + 1}"
                name, suffix = base, 2
                while name in names:
                    name, suffix = f"{base}_{suffix}", suffix + 1
                names.append(name)
            return names
        ''',
        '''
        def header_names(raw: list[str]) -> list[str]:
            names: list[str] = []
            names_set: set[str] = set()
            for index, text in enumerate(raw):
                base = text.strip().lower() or f"col_{index + 1}"
                name, suffix = base, 2
                while name in names_set:
                    name, suffix = f"{base}_{suffix}", suffix + 1
                names.append(name)
                names_set.add(name)
            return names
        ''',
        inputs=(([],), (["A", "a", "", "a_2", "A"],)),
    ),
    Case(
        "one-line-body",
        '''
        def distinct_count(items: list[int]) -> tuple[int, list[int]]:
            out: list[int] = []
            for item in items:
                if item not in out: out.append(item)
            return len(out), out
        ''',
        '''
        def distinct_count(items: list[int]) -> tuple[int, list[int]]:
            out: list[int] = []
            out_set: set[int] = set()
            for item in items:
                if item not in out_set: out.append(item); out_set.add(item)
            return len(out), out
        ''',
        inputs=(([],), ([1, 2, 1, 3, 2],)),
    ),
    Case(
        "unannotated-output-of-typed-values",
        '''
        def first_words(lines: list[str]) -> list[str]:
            words = []
            for line in lines:
                parts = line.split()
                if not parts:
                    continue
                head = parts[0]
                if head not in words:
                    words.append(head)
            return words
        ''',
        '''
        def first_words(lines: list[str]) -> list[str]:
            words = []
            words_set: set[str] = set()
            for line in lines:
                parts = line.split()
                if not parts:
                    continue
                head = parts[0]
                if head not in words_set:
                    words.append(head)
                    words_set.add(head)
            return words
        ''',
        inputs=(([],), (["a b", "", "c", "a z"],)),
    ),
    Case(
        "indexed-items-in-a-while-loop",
        '''
        def distinct(items: list[str]) -> list[str]:
            seen = []
            i = 0
            while i < len(items):
                if items[i] not in seen:
                    seen.append(items[i])
                i += 1
            return seen
        ''',
        '''
        def distinct(items: list[str]) -> list[str]:
            seen = []
            seen_set: set[str] = set()
            i = 0
            while i < len(items):
                if items[i] not in seen_set:
                    seen.append(items[i])
                    seen_set.add(items[i])
                i += 1
            return seen
        ''',
        inputs=(([],), (["b", "a", "b", "c", "a"],)),
    ),
    Case(
        "popped",
        '''
        def path(steps: list[str]) -> list[str]:
            on_path: list[str] = []
            for step in steps:
                if step in on_path:
                    on_path.pop()
                else:
                    on_path.append(step)
            return on_path
        ''',
        diagnosed=True,
    ),
    Case(
        "only-membership-and-append",
        '''
        def count_new(items: list[str]) -> int:
            seen: list[str] = []
            n = 0
            for item in items:
                if item not in seen:
                    seen.append(item)
                    n += 1
            return n
        ''',
    ),
    Case(
        "unhashable",
        '''
        def distinct(rows: list[list[int]]) -> list[list[int]]:
            out: list[list[int]] = []
            for row in rows:
                if row not in out:
                    out.append(row)
            return out
        ''',
        diagnosed=True,
    ),
    Case(
        "computed-append",
        '''
        def lowered(words: list[str]) -> list[str]:
            out: list[str] = []
            for word in words:
                if word.lower() not in out:
                    out.append(word.lower())
            return out
        ''',
    ),
    Case(
        "handed-over",
        '''
        def shared(words: list[str], sink: list[list[str]]) -> list[str]:
            out: list[str] = []
            sink.append(out)
            for word in words:
                if word not in out:
                    out.append(word)
            return out
        ''',
        diagnosed=True,
    ),
    Case(
        "created-in-a-branch",
        '''
        def collect(items: list[str], go: bool) -> list[str]:
            if go:
                out: list[str] = []
            for item in items:
                if item not in out:
                    out.append(item)
            return out
        ''',
        '''
        def collect(items: list[str], go: bool) -> list[str]:
            if go:
                out: list[str] = []
                out_set: set[str] = set()
            for item in items:
                if item not in out_set:
                    out.append(item)
                    out_set.add(item)
            return out
        ''',
        inputs=((["a", "b", "a"], True), ([], True), ([], False), (["a"], False)),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_shadow_set(case: Case) -> None:
    check(RULE, case)
