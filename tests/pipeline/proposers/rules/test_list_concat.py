"""list-concat-to-append: x = x + [y] (a copy per element) → x.append(y) / x.extend(...)."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.list_concat import ListConcat
from tests.pipeline.proposers.rules.cases import Case, check

RULE = ListConcat()

CASES = [
    Case(
        "one-element",
        '''
        def shingles(tokens: list[str], size: int) -> list[str]:
            grams: list[str] = []
            for start in range(len(tokens) - size + 1):
                grams = grams + [" ".join(tokens[start:start + size])]  # one gram per start
            return grams
        ''',
        '''
        def shingles(tokens: list[str], size: int) -> list[str]:
            grams: list[str] = []
            for start in range(len(tokens) - size + 1):
                grams.append(" ".join(tokens[start:start + size]))  # one gram per start
            return grams
        ''',
        inputs=(([], 2), (["a", "b", "c"], 2), (["a"], 3), (["a", "a"], 0)),
    ),
    Case(
        "returned-in-a-tuple-and-measured",
        '''
        def keep_even(rows: list[int]) -> tuple[list[int], int]:
            kept: list[int] = []
            for row in rows:
                if row % 2 or row in kept:
                    continue
                kept = kept + [row]
            return kept, len(rows) - len(kept)
        ''',
        '''
        def keep_even(rows: list[int]) -> tuple[list[int], int]:
            kept: list[int] = []
            for row in rows:
                if row % 2 or row in kept:
                    continue
                kept.append(row)
            return kept, len(rows) - len(kept)
        ''',
        inputs=(([],), ([2, 3, 2, 4, 6, 4],)),
    ),
    Case(
        "several-a-comprehension-and-a-list",
        '''
        def assemble(head: list[int], tail: list[int], n: int) -> list[int]:
            out = [0]
            for i in range(n):
                out = out + [i, -i]
                out = out + [j * 2 for j in range(i)]
            out = out + tail
            return out
        ''',
        '''
        def assemble(head: list[int], tail: list[int], n: int) -> list[int]:
            out = [0]
            for i in range(n):
                out.extend([i, -i])
                out.extend([j * 2 for j in range(i)])
            out.extend(tail)
            return out
        ''',
        inputs=(([], [], 0), ([1], [7, 8], 3)),
    ),
    Case(
        "unpacking-and-augmented-spellings-in-loops",
        '''
        def collect(rows: list[list[int]], limit: int) -> tuple[list[int], list[int]]:
            flat: list[int] = []
            picked: list[int] = []
            for row in rows:
                flat = [*flat, *row]
                i = 0
                while i < min(limit, len(row)):
                    picked += [row[i] * 2]
                    flat = [*flat, i, -i]
                    i += 1
            return flat, picked
        ''',
        '''
        def collect(rows: list[list[int]], limit: int) -> tuple[list[int], list[int]]:
            flat: list[int] = []
            picked: list[int] = []
            for row in rows:
                flat.extend(row)
                i = 0
                while i < min(limit, len(row)):
                    picked.append(row[i] * 2)
                    flat.extend([i, -i])
                    i += 1
            return flat, picked
        ''',
        inputs=(([], 2), ([[1, 2, 3], [], [4]], 2), ([[5]], 0)),
    ),
    Case(
        "augmented-on-a-caller-list-changes-it-in-place-anyway",
        '''
        def tag_all(names: list[str], out: list[str]) -> None:
            for name in names:
                out += ["#" + name]
        ''',
        '''
        def tag_all(names: list[str], out: list[str]) -> None:
            for name in names:
                out.append("#" + name)
        ''',
        inputs=(([], ["x"]), (["a", "b"], []),),
    ),
    Case(
        "augmented-tuple-stays",
        '''
        def pairs(names: list[str]) -> tuple[str, ...]:
            out: tuple[str, ...] = ()
            for name in names:
                out += (name,)
            return out
        ''',
    ),
    Case(
        "parameter-belongs-to-the-caller",
        '''
        def add_one(items: list[int]) -> list[int]:
            items = items + [1]
            return items
        ''',
    ),
    Case(
        "aliased",
        '''
        def snapshots(n: int) -> list[list[int]]:
            out: list[int] = []
            seen: list[list[int]] = []
            for i in range(n):
                seen.append(out)
                out = out + [i]
            return seen
        ''',
        diagnosed=True,
    ),
    Case(
        "tuple-operand",
        '''
        def glue(extra: tuple[int, ...]) -> list[int]:
            out: list[int] = []
            out = out + extra  # type: ignore[operator]
            return out
        ''',
    ),
    Case(
        "iterated-while-extended",
        '''
        def doubled(n: int) -> list[int]:
            out = [1, 2]
            for x in out:
                if len(out) < n:
                    out = out + [x]
            return out
        ''',
        diagnosed=True,
    ),
    Case(
        "appends-itself",
        '''
        def nest() -> list[object]:
            out: list[object] = []
            out = out + [out]
            return out
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_list_concat(case: Case) -> None:
    check(RULE, case)
