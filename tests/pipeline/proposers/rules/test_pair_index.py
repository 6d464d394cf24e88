"""scan-to-dict-lookup: a linear search of a list of pairs inside a loop → a dict built once."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.pair_index import PairIndex
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = PairIndex()
ROUTES = [("billing", "finance"), ("bugs", "eng"), ("billing", "sales")]
HOSTS: tuple[Args, ...] = (([], ROUTES), (["bugs", "billing", "spam", "bugs"], ROUTES), (["x"], []))

CASES = [
    Case(
        "break-on-the-first-match-with-a-default",
        '''
        def route(topics: list[str], routes: list[tuple[str, str]]) -> list[str]:
            out = []
            for topic in topics:
                team = "triage"
                for name, owner in routes:
                    if name == topic:
                        team = owner
                        break
                out.append(team)
            return out
        ''',
        '''
        def route(topics: list[str], routes: list[tuple[str, str]]) -> list[str]:
            out = []
            routes_index: dict[str, tuple[str, str]] = {}
            for routes_item in routes:
                routes_index.setdefault(routes_item[0], routes_item)
            for topic in topics:
                team = "triage"
                if topic in routes_index:
                    name, owner = routes_index[topic]
                    team = owner
                out.append(team)
            return out
        ''',
        inputs=HOSTS,
    ),
    Case(
        "return-from-the-scan-with-a-for-else",
        '''
        def first_owned(topics: list[str], routes: list[tuple[str, str]]) -> str:
            for topic in topics:
                for name, owner in routes:
                    if topic.lower() == name:
                        return owner + ":" + name
                else:
                    continue
            return "none"
        ''',
        '''
        def first_owned(topics: list[str], routes: list[tuple[str, str]]) -> str:
            routes_index: dict[str, tuple[str, str]] = {}
            for routes_item in routes:
                routes_index.setdefault(routes_item[0], routes_item)
            for topic in topics:
                if topic.lower() in routes_index:
                    name, owner = routes_index[topic.lower()]
                    return owner + ":" + name
                else:
                    continue
            return "none"
        ''',
        inputs=(([], ROUTES), (["Spam", "BUGS"], ROUTES), (["billing"], ROUTES), (["a"], [])),
    ),
    Case(
        "indexed-records-in-a-while-loop",
        '''
        def prices(codes: list[int], table: list[tuple[int, str, float]]) -> list[float]:
            out: list[float] = []
            i = 0
            while i < len(codes):
                code = codes[i]
                for row in table:
                    if row[0] == code:
                        out.append(row[2])
                        break
                i += 1
            return out
        ''',
        '''
        def prices(codes: list[int], table: list[tuple[int, str, float]]) -> list[float]:
            out: list[float] = []
            i = 0
            table_index: dict[int, tuple[int, str, float]] = {}
            for table_item in table:
                table_index.setdefault(table_item[0], table_item)
            while i < len(codes):
                code = codes[i]
                if code in table_index:
                    row = table_index[code]
                    out.append(row[2])
                i += 1
            return out
        ''',
        inputs=(([], []), ([2, 7, 2, 5], [(2, "a", 1.5), (7, "b", 2.0), (2, "c", 9.0)]),),
    ),
    Case(
        "probe-evaluated-only-when-the-list-is-not-empty",
        '''
        def prices(codes: list[int], table: list[tuple[int, float]]) -> list[float]:
            out: list[float] = []
            for i in range(len(codes) + 1):
                for row in table:
                    if row[0] == codes[i]:
                        out.append(row[1])
                        break
            return out
        ''',
        diagnosed=True,
    ),
    Case(
        "next-with-a-default-in-a-comprehension",
        '''
        def owners(topics: list[str], routes: list[tuple[str, str]]) -> list[str]:
            return [next((owner for name, owner in routes if name == t), "triage") for t in topics]
        ''',
        '''
        def owners(topics: list[str], routes: list[tuple[str, str]]) -> list[str]:
            routes_index: dict[str, str] = {}
            for routes_item in routes:
                routes_index.setdefault(routes_item[0], routes_item[1])
            return [routes_index.get(t, "triage") for t in topics]
        ''',
        inputs=HOSTS,
    ),
    Case(
        "scan-variables-read-after",
        '''
        def last_seen(topics: list[str], routes: list[tuple[str, str]]) -> str:
            owner = ""
            for topic in topics:
                for name, owner in routes:
                    if name == topic:
                        break
            return owner
        ''',
        diagnosed=True,
    ),
    Case(
        "attribute-keys",
        '''
        def folders(msgs: list[str], rules: list[Rule]) -> list[str]:
            out = []
            for m in msgs:
                for rule in rules:
                    if rule.domain == m:
                        out.append(rule.folder)
                        break
            return out
        ''',
        prelude="class Rule:\n    domain: str = ''\n    folder: str = ''",
        diagnosed=True,
    ),
    Case(
        "every-match-counts",
        '''
        def totals(topics: list[str], routes: list[tuple[str, int]]) -> int:
            n = 0
            for topic in topics:
                for name, weight in routes:
                    if name == topic:
                        n += weight
            return n
        ''',
    ),
    Case(
        "next-without-a-default-raises-stopiteration",
        '''
        def owners(topics: list[str], routes: list[tuple[str, str]]) -> list[str]:
            return [next(owner for name, owner in routes if name == t) for t in topics]
        ''',
    ),
    Case(
        "not-in-a-loop",
        '''
        def owner_of(topic: str, routes: list[tuple[str, str]]) -> str:
            for name, owner in routes:
                if name == topic:
                    return owner
            return "triage"
        ''',
    ),
    Case(
        "float-keys",
        '''
        def labels(xs: list[float], marks: list[tuple[float, str]]) -> list[str]:
            return [next((label for at, label in marks if at == x), "") for x in xs]
        ''',
        diagnosed=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_pair_index(case: Case) -> None:
    check(RULE, case)
