"""string-concat-to-join: a loop that only appends to a string → one "".join(...)."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.string_join import StringJoin
from tests.pipeline.proposers.rules.cases import Args, Case, check

RULE = StringJoin()
LINES: tuple[Args, ...] = (([],), ([" a ", "b", "b"],), ([""],))

CASES = [
    Case(
        "chained-plus",
        '''
        def bullet_list(lines: list[str]) -> str:
            """Render ``lines`` as a Markdown bullet list, one bullet per line."""
            text = ""
            for line in lines:
                text = text + "- " + line.strip() + "\\n"
            return text
        ''',
        '''
        def bullet_list(lines: list[str]) -> str:
            """Render ``lines`` as a Markdown bullet list, one bullet per line."""
            text = "".join("- " + line.strip() + "\\n" for line in lines)
            return text
        ''',
        inputs=LINES,
    ),
    Case(
        "augmented-annotated-tuple-target",
        '''
        def pairs(items: dict[str, int]) -> str:
            out: str = ""  # key=value;...
            for key, value in items.items():
                out += f"{key}={value};"
            return out
        ''',
        '''
        def pairs(items: dict[str, int]) -> str:
            out: str = "".join(f"{key}={value};" for key, value in items.items())  # key=value;...
            return out
        ''',
        inputs=(({},), ({"a": 1, "b": 2},)),
    ),
    Case(
        "non-empty-start-kept",
        '''
        def quoted(lines: list[str]) -> str:
            text = "> "
            for line in lines:
                text += line if line else "-"
            return text
        ''',
        '''
        def quoted(lines: list[str]) -> str:
            text = "> "
            text += "".join((line if line else "-") for line in lines)
            return text
        ''',
        inputs=LINES,
    ),
    Case(
        "str-parameter",
        '''
        def extend(prefix: str, parts: list[str]) -> str:
            for part in parts:
                prefix += part
            return prefix
        ''',
        '''
        def extend(prefix: str, parts: list[str]) -> str:
            prefix += "".join(part for part in parts)
            return prefix
        ''',
        inputs=(("", []), ("x", ["a", "b"])),
    ),
    Case(
        "loop-does-more",
        '''
        def numbered(lines: list[str]) -> str:
            text = ""
            n = 0
            for line in lines:
                n += 1
                text += f"{n}. {line}"
            return text
        ''',
    ),
    Case(
        "loop-variable-read-after",
        '''
        def joined_and_last(lines: list[str]) -> tuple[str, str]:
            text = ""
            line = ""
            for line in lines:
                text += line
            return text, line
        ''',
    ),
    Case(
        "list-accumulator",
        '''
        def flatten(rows: list[list[int]]) -> list[int]:
            out: list[int] = []
            for row in rows:
                out += row
            return out
        ''',
    ),
    Case(
        "bytes",
        '''
        def packed(chunks: list[bytes]) -> bytes:
            data = b""
            for chunk in chunks:
                data += chunk
            return data
        ''',
    ),
    Case(
        "part-reads-the-string",
        '''
        def doubling(lines: list[str]) -> str:
            text = ""
            for line in lines:
                text += text[-1:] + line
            return text
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_string_join(case: Case) -> None:
    check(RULE, case)
