"""precompute-inner-loop-map: a str method applied to every inner item on every outer pass → once."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.inner_map import InnerLoopMap
from tests.pipeline.proposers.rules.cases import Case, check

RULE = InnerLoopMap()

CASES = [
    Case(
        "keyword-hits-duplicates-count-twice",
        '''
        def keyword_hits(tokens: list[str], keywords: tuple[str, ...]) -> int:
            """Number of (token, keyword) pairs that match, ignoring keyword case."""
            hits = 0
            for token in tokens:
                for keyword in keywords:
                    if token == keyword.lower():
                        hits += 1
            return hits
        ''',
        '''
        def keyword_hits(tokens: list[str], keywords: tuple[str, ...]) -> int:
            """Number of (token, keyword) pairs that match, ignoring keyword case."""
            hits = 0
            keywords_lower = [keyword.lower() for keyword in keywords]
            for token in tokens:
                for keyword in keywords_lower:
                    if token == keyword:
                        hits += 1
            return hits
        ''',
        inputs=(([], ()), (["refund", "x", "refund"], ("Refund", "REFUND", "Charge")), (["a"], ())),
    ),
    Case(
        "while-outer-loop",
        '''
        def first_marked(lines: list[str], marks: list[str]) -> int:
            i = 0
            while i < len(lines):
                for mark in marks:
                    if lines[i].startswith(mark.strip()):
                        return i
                i += 1
            return -1
        ''',
        '''
        def first_marked(lines: list[str], marks: list[str]) -> int:
            i = 0
            marks_strip = [mark.strip() for mark in marks]
            while i < len(lines):
                for mark in marks_strip:
                    if lines[i].startswith(mark):
                        return i
                i += 1
            return -1
        ''',
        inputs=(([], []), (["a", "# b", "c"], [" #", "x "]), (["a"], ["b"])),
    ),
    Case(
        "item-also-used-raw",
        '''
        def hits(tokens: list[str], keywords: list[str]) -> int:
            n = 0
            for token in tokens:
                for keyword in keywords:
                    if token == keyword or token == keyword.lower():
                        n += 1
            return n
        ''',
    ),
    Case(
        "single-loop",
        '''
        def lowered(keywords: list[str]) -> list[str]:
            out: list[str] = []
            for keyword in keywords:
                out.append(keyword.lower())
            return out
        ''',
    ),
    Case(
        "items-not-strs",
        '''
        def hits(tokens: list[str], keywords) -> int:
            n = 0
            for token in tokens:
                for keyword in keywords:
                    if token == keyword.lower():
                        n += 1
            return n
        ''',
    ),
    Case(
        "items-change-in-the-outer-loop",
        '''
        def growing(tokens: list[str], keywords: list[str]) -> int:
            n = 0
            for token in tokens:
                for keyword in keywords:
                    if token == keyword.lower():
                        n += 1
                keywords.append(token.upper())
            return n
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_inner_map(case: Case) -> None:
    check(RULE, case)
