"""hoist-regex-compile: a constant pattern compiled or looked up in every iteration → compiled once."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.hoist_regex import HoistRegex
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = HoistRegex()
LINES: tuple[Args, ...] = (([],), (["a1 b22", "", "ccc 3"],), (["TODO: x", "todo later", "none"],))

CASES = [
    Case(
        "findall-in-a-for-loop",
        '''
        def count_numbers(lines: list[str]) -> int:
            total = 0
            for line in lines:
                total += len(re.findall(r"\\d+", line))
            return total
        ''',
        '''
        def count_numbers(lines: list[str]) -> int:
            total = 0
            pattern = re.compile(r"\\d+")
            for line in lines:
                total += len(pattern.findall(line))
            return total
        ''',
        inputs=LINES,
        prelude="import re",
    ),
    Case(
        "match-with-flags-in-a-comprehension",
        '''
        def todo_lines(lines: list[str]) -> list[str]:
            return [line for line in lines if re.match("todo", line, re.IGNORECASE | re.M)]
        ''',
        '''
        def todo_lines(lines: list[str]) -> list[str]:
            pattern = re.compile("todo", re.IGNORECASE | re.M)
            return [line for line in lines if pattern.match(line)]
        ''',
        inputs=LINES,
        prelude="import re",
    ),
    Case(
        "sub-with-count-and-keyword-flags-in-a-while-loop",
        '''
        def squeeze(lines: list[str]) -> list[str]:
            out: list[str] = []
            i = 0
            while i < len(lines):
                out.append(re.sub(r"\\s+", " ", lines[i], 1, flags=re.ASCII))
                i += 1
            return out
        ''',
        '''
        def squeeze(lines: list[str]) -> list[str]:
            out: list[str] = []
            i = 0
            pattern = re.compile(r"\\s+", re.ASCII)
            while i < len(lines):
                out.append(pattern.sub(" ", lines[i], 1))
                i += 1
            return out
        ''',
        inputs=LINES,
        prelude="import re",
    ),
    Case(
        "compile-assignment-moves-out-keeping-its-name",
        '''
        def words(lines: list[str]) -> list[list[str]]:
            found = []
            for line in lines:
                word = re.compile(r"[a-z]+")
                found.append(word.findall(line))
            return found
        ''',
        '''
        def words(lines: list[str]) -> list[list[str]]:
            found = []
            word = re.compile(r"[a-z]+")
            for line in lines:
                found.append(word.findall(line))
            return found
        ''',
        inputs=LINES,
        prelude="import re",
    ),
    Case(
        "same-pattern-twice-in-nested-loops-and-a-local-pattern",
        '''
        def split_all(groups: list[list[str]]) -> list[str]:
            separator = r"[,;]"
            out: list[str] = []
            for group in groups:
                for text in group:
                    if re.search(separator, text):
                        out.extend(re.split(separator, text, maxsplit=1))
            return out
        ''',
        '''
        def split_all(groups: list[list[str]]) -> list[str]:
            separator = r"[,;]"
            out: list[str] = []
            separator_compiled = re.compile(separator)
            for group in groups:
                for text in group:
                    if separator_compiled.search(text):
                        out.extend(separator_compiled.split(text, maxsplit=1))
            return out
        ''',
        inputs=(([],), ([["a,b;c", "d"], [], ["e;"]],)),
        prelude="import re",
    ),
    Case(
        "pattern-varies-per-item",
        '''
        def hits(words: list[str], text: str) -> int:
            return sum(1 for word in words if re.search(word, text))
        ''',
        prelude="import re",
    ),
    Case(
        "module-level-pattern-reported-not-hoisted",
        '''
        def hits(lines: list[str]) -> int:
            return sum(1 for line in lines if re.search(WORD, line))
        ''',
        prelude="import re\nWORD = r'\\w+'",
        diagnosed=True,
    ),
    Case(
        "invalid-pattern-would-raise-early",
        '''
        def hits(lines: list[str]) -> int:
            n = 0
            for line in lines:
                if re.search("(", line):
                    n += 1
            return n
        ''',
        prelude="import re",
        diagnosed=True,
    ),
    Case(
        "outside-a-loop",
        '''
        def first_number(text: str) -> str | None:
            found = re.search(r"\\d+", text)
            return found.group() if found else None
        ''',
        prelude="import re",
    ),
    Case(
        "re-is-a-local",
        '''
        def hits(lines: list[str], re: object) -> int:
            return sum(1 for line in lines if re.search("a", line))
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hoist_regex(case: Case) -> None:
    check(RULE, case)
