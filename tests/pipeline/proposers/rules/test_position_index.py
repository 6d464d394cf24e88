"""index-to-position-dict: list.index inside a loop → a dict of first positions built once."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.position_index import PositionIndex
from tests.pipeline.proposers.rules.cases import Case, check

RULE = PositionIndex()

CASES = [
    Case(
        "index-per-item-in-a-comprehension",
        '''
        def ranks(picked: list[str], order: list[str]) -> list[int]:
            return [order.index(p) for p in picked]
        ''',
        '''
        def ranks(picked: list[str], order: list[str]) -> list[int]:
            order_positions: dict[str, int] = {}
            for order_position, order_item in enumerate(order):
                order_positions.setdefault(order_item, order_position)
            return [(order_positions[p] if p in order_positions else order.index(p)) for p in picked]
        ''',
        inputs=(([], []), (["b", "a", "b"], ["a", "b", "a"]), (["z"], ["a"]), ([], ["a"])),
    ),
    Case(
        "index-in-a-loop-with-a-str-method-probe",
        '''
        def columns(names: list[str], header: tuple[str, ...]) -> list[int]:
            out: list[int] = []
            for name in names:
                if name.lower() in header:
                    out.append(header.index(name.lower()) + 1)
            return out
        ''',
        '''
        def columns(names: list[str], header: tuple[str, ...]) -> list[int]:
            out: list[int] = []
            header_positions: dict[str, int] = {}
            for header_position, header_item in enumerate(header):
                header_positions.setdefault(header_item, header_position)
            for name in names:
                if name.lower() in header:
                    out.append((header_positions[name.lower()] if name.lower() in header_positions else header.index(name.lower())) + 1)
            return out
        ''',
        inputs=(([], ()), (["ID", "x", "name"], ("id", "name", "id")),),
    ),
    Case(
        "index-of-a-str-is-a-substring-search",
        '''
        def offsets(words: list[str], text: str) -> list[int]:
            return [text.index(w) for w in words]
        ''',
    ),
    Case(
        "probe-of-another-type",
        '''
        def ranks(picked: list[object], order: list[str]) -> list[int]:
            return [order.index(p) for p in picked]
        ''',
        diagnosed=True,
    ),
    Case(
        "list-changes-in-the-loop",
        '''
        def ranks(picked: list[str], order: list[str]) -> list[int]:
            out = []
            for p in picked:
                out.append(order.index(p))
                order.append(p)
            return out
        ''',
    ),
    Case(
        "not-in-a-loop",
        '''
        def rank(p: str, order: list[str]) -> int:
            return order.index(p)
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_position_index(case: Case) -> None:
    check(RULE, case)
