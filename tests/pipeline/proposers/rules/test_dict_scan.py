"""dict-scan-to-lookup: a loop over a dict's items looking for one key → a lookup."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.dict_scan import DictScan
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = DictScan()
PRICES: tuple[Args, ...] = (({}, "a"), ({"a": 2, "b": 3}, "b"), ({"a": 2}, "z"))

CASES = [
    Case(
        "break-on-the-key",
        '''
        def price(prices: dict[str, int], item: str) -> int:
            found = -1
            for name, cost in prices.items():
                if name == item:
                    found = cost
                    break
            return found
        ''',
        '''
        def price(prices: dict[str, int], item: str) -> int:
            found = -1
            if item in prices:
                cost = prices[item]
                found = cost
            return found
        ''',
        inputs=PRICES,
    ),
    Case(
        "return-with-a-for-else",
        '''
        def price(prices: dict[str, int], item: str) -> int:
            for name, cost in prices.items():
                if item.lower() == name:
                    return cost * 2
            else:
                return 0
        ''',
        '''
        def price(prices: dict[str, int], item: str) -> int:
            if item.lower() in prices:
                cost = prices[item.lower()]
                return cost * 2
            else:
                return 0
        ''',
        inputs=PRICES + (({"a": 1}, "A"),),
    ),
    Case(
        "no-break-at-most-one-key-matches",
        '''
        def bump(counts: dict[int, int], key: int) -> int:
            total = 0
            for k, v in counts.items():
                if k == key:
                    total += v + 1
            return total
        ''',
        '''
        def bump(counts: dict[int, int], key: int) -> int:
            total = 0
            if key in counts:
                v = counts[key]
                total += v + 1
            return total
        ''',
        inputs=(({}, 1), ({1: 5, 2: 7}, 2), ({True: 3}, 1)),
    ),
    Case(
        "key-read-in-the-match",
        '''
        def label(prices: dict[str, int], item: str) -> str:
            for name, cost in prices.items():
                if name == item:
                    return name + str(cost)
            return ""
        ''',
        diagnosed=True,
    ),
    Case(
        "keys-of-unknown-type",
        '''
        def price(prices: dict[object, int], item: str) -> int:
            for name, cost in prices.items():
                if name == item:
                    return cost
            return 0
        ''',
        diagnosed=True,
    ),
    Case(
        "not-an-equality",
        '''
        def cheaper(prices: dict[str, int], limit: int) -> list[str]:
            out = []
            for name, cost in prices.items():
                if cost < limit:
                    out.append(name)
            return out
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_dict_scan(case: Case) -> None:
    check(RULE, case)
