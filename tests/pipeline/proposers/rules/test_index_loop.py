"""index-loop-to-items: a loop over positions that reads items by index → iteration over the items."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.index_loop import IndexLoop
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = IndexLoop()
ROWS: tuple[Args, ...] = (([],), ([[3, 1], [4, 1, 5]],), ([[0], [], [2, 2]],))

CASES = [
    Case(
        "range-len-with-nested-indexing",
        '''
        def row_heads(rows: list[list[int]]) -> int:
            total = 0
            for i in range(len(rows)):
                if rows[i]:
                    total += rows[i][0] * len(rows[i])
            return total
        ''',
        '''
        def row_heads(rows: list[list[int]]) -> int:
            total = 0
            for row in rows:
                if row:
                    total += row[0] * len(row)
            return total
        ''',
        inputs=ROWS,
    ),
    Case(
        "index-used-otherwise-keeps-enumerate",
        '''
        def labelled(names: tuple[str, ...]) -> list[str]:
            out = []
            for k in range(0, len(names)):
                out.append(f"{k}:{names[k].upper()}")
            return out
        ''',
        '''
        def labelled(names: tuple[str, ...]) -> list[str]:
            out = []
            for k, name in enumerate(names):
                out.append(f"{k}:{name.upper()}")
            return out
        ''',
        inputs=(((),), (("ab", "c"),)),
    ),
    Case(
        "index-read-after-the-loop",
        '''
        def last_long(words: list[str]) -> int:
            i = -1
            for i in range(len(words)):
                if len(words[i]) > 3:
                    break
            return i
        ''',
        '''
        def last_long(words: list[str]) -> int:
            i = -1
            for i, word in enumerate(words):
                if len(word) > 3:
                    break
            return i
        ''',
        inputs=(([],), (["a", "abcd", "b"],), (["x", "y"],)),
    ),
    Case(
        "while-loop-counting-from-zero",
        '''
        def widths(cells: list[str]) -> list[int]:
            out: list[int] = []
            # walk the cells
            j = 0
            while j < len(cells):
                out.append(len(cells[j].strip()))
                j += 1
            return out
        ''',
        '''
        def widths(cells: list[str]) -> list[int]:
            out: list[int] = []
            # walk the cells
            for cell in cells:
                out.append(len(cell.strip()))
            return out
        ''',
        inputs=(([],), ([" a ", "bb", ""],)),
    ),
    Case(
        "while-loop-that-also-reads-neighbours",
        '''
        def rises(values: list[int]) -> int:
            n = 0
            i = 0
            while i < len(values):
                if i > 0 and values[i] > values[i - 1]:
                    n += 1
                i += 1
            return n
        ''',
        '''
        def rises(values: list[int]) -> int:
            n = 0
            for i, value in enumerate(values):
                if i > 0 and value > values[i - 1]:
                    n += 1
            return n
        ''',
        inputs=(([],), ([1, 2, 2, 5, 0],)),
    ),
    Case(
        "comprehension-over-positions",
        '''
        def scaled(prices: list[float], rate: float) -> dict[str, float]:
            return {str(prices[i]): prices[i] * rate for i in range(len(prices)) if prices[i] > 0}
        ''',
        '''
        def scaled(prices: list[float], rate: float) -> dict[str, float]:
            return {str(price): price * rate for price in prices if price > 0}
        ''',
        inputs=(([], 2.0), ([1.5, -2.0, 0.0, 3.0], 0.5)),
    ),
    Case(
        "generator-keeps-the-index",
        '''
        def weighted(values: list[int]) -> int:
            return sum(i * values[i] for i in range(len(values)))
        ''',
        '''
        def weighted(values: list[int]) -> int:
            return sum(i * value for i, value in enumerate(values))
        ''',
        inputs=(([],), ([4, 5, 6],)),
    ),
    Case(
        "enumerate-that-still-indexes",
        '''
        def deltas(readings: list[int]) -> list[int]:
            out = [0 for i, r in enumerate(readings) if readings[i] < 0]
            for i, r in enumerate(readings):
                if i:
                    out.append(readings[i] - readings[i - 1])
            return out
        ''',
        '''
        def deltas(readings: list[int]) -> list[int]:
            out = [0 for i, r in enumerate(readings) if r < 0]
            for i, r in enumerate(readings):
                if i:
                    out.append(r - readings[i - 1])
            return out
        ''',
        inputs=(([],), ([3, -1, 4, 4],)),
    ),
    Case(
        "length-held-in-a-name",
        '''
        def pairs(keys: list[str], values: list[int]) -> dict[str, int]:
            n = len(keys)
            out = {}
            for i in range(n):
                out[keys[i]] = values[i] if i < len(values) else 0
            return out
        ''',
        '''
        def pairs(keys: list[str], values: list[int]) -> dict[str, int]:
            n = len(keys)
            out = {}
            for i, key in enumerate(keys):
                out[key] = values[i] if i < len(values) else 0
            return out
        ''',
        inputs=(([], []), (["a", "b", "a"], [1]),),
    ),
    Case(
        "writes-by-index",
        '''
        def double(values: list[int]) -> None:
            for i in range(len(values)):
                values[i] = values[i] * 2
        ''',
    ),
    Case(
        "appends-while-iterating",
        '''
        def grow(values: list[int]) -> int:
            n = 0
            for i in range(len(values)):
                n += values[i]
                values.append(n)
            return n
        ''',
    ),
    Case(
        "dict-indexed-by-key",
        '''
        def first_values(table, n):
            return [table[i] for i in range(len(table))] if n else [table[i] for i in range(n)]
        ''',
        diagnosed=True,
    ),
    Case(
        "unknown-sequence-type",
        '''
        def total(values) -> int:
            n = 0
            for i in range(len(values)):
                n += values[i]
            return n
        ''',
        diagnosed=True,
    ),
    Case(
        "while-index-read-after",
        '''
        def find(values: list[int], x: int) -> int:
            i = 0
            while i < len(values):
                if values[i] == x:
                    break
                i += 1
            return i
        ''',
        diagnosed=True,
    ),
    Case(
        "read-later-by-a-lambda",
        '''
        def getters(values: list[int]) -> list[int]:
            fns = []
            for i in range(len(values)):
                fns.append(lambda: values[i])
            return [f() for f in fns]
        ''',
        diagnosed=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_index_loop(case: Case) -> None:
    check(RULE, case)
