"""bind-loop-method: a container method looked up on every iteration of a tight loop → bound once."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.bind_method import BindMethod
from tests.pipeline.proposers.rules.cases import Case, check

RULE = BindMethod()

CASES = [
    Case(
        "dict-get",
        '''
        def pick(scores: dict[str, int], order: list[str]) -> str:
            best, best_score = "", 0
            for name in order:
                score = scores.get(name, 0)
                if score > best_score:
                    best, best_score = name, score
            return best
        ''',
        '''
        def pick(scores: dict[str, int], order: list[str]) -> str:
            best, best_score = "", 0
            scores_get = scores.get
            for name in order:
                score = scores_get(name, 0)
                if score > best_score:
                    best, best_score = name, score
            return best
        ''',
        inputs=(({}, []), ({"a": 1, "b": 3, "c": 3}, ["a", "b", "c", "d"])),
    ),
    Case(
        "set-add-bound-before-the-outer-loop",
        '''
        def invalid(rows: list[list[int]]) -> set[int]:
            bad: set[int] = set()
            for index, row in enumerate(rows):
                for cell in row:
                    if cell < 0:
                        bad.add(index)
            return bad
        ''',
        '''
        def invalid(rows: list[list[int]]) -> set[int]:
            bad: set[int] = set()
            bad_add = bad.add
            for index, row in enumerate(rows):
                for cell in row:
                    if cell < 0:
                        bad_add(index)
            return bad
        ''',
        inputs=(([],), ([[1, -1], [], [-2, -3]],)),
    ),
    Case(
        "list-extend-in-a-while-loop",
        '''
        def repeat(chunk: list[int], times: int) -> list[int]:
            out: list[int] = []
            while times > 0:
                out.extend(chunk)
                times -= 1
            return out
        ''',
        '''
        def repeat(chunk: list[int], times: int) -> list[int]:
            out: list[int] = []
            out_extend = out.extend
            while times > 0:
                out_extend(chunk)
                times -= 1
            return out
        ''',
        inputs=(([1, 2], 0), ([1, 2], 3), ([], 2)),
    ),
    Case(
        "list-append-is-faster-unbound",
        '''
        def squares(n: int) -> list[int]:
            out: list[int] = []
            for i in range(n):
                out.append(i * i)
            return out
        ''',
    ),
    Case(
        "receiver-rebound-in-the-loop",
        '''
        def batches(items: list[int]) -> list[set[int]]:
            result: list[set[int]] = []
            current: set[int] = set()
            for item in items:
                if item == 0:
                    current = set()
                    result.append(current)
                current.add(item)
            return result
        ''',
    ),
    Case(
        "loop-with-costly-calls",
        '''
        def lookup(table: dict[str, int], keys: list[str]) -> list[int]:
            out: list[int] = []
            for key in keys:
                out.append(compute(table.get(key, 0)))
            return out
        ''',
        prelude="def compute(x: int) -> int:\n    return x",
    ),
    Case(
        "unknown-receiver",
        '''
        def lookup(table, keys: list[str]) -> int:
            total = 0
            for key in keys:
                total += table.get(key, 0)
            return total
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bind_method(case: Case) -> None:
    check(RULE, case)
