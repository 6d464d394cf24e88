"""string-builder-parts: a string grown by += across the function → a list of parts, joined once."""

from __future__ import annotations

import pytest

from pipeline.proposers.rules.string_builder import StringBuilder
from tests.pipeline.proposers.rules.cases import Case, check

RULE = StringBuilder()

CASES = [
    Case(
        "loop-that-does-more",
        '''
        def render_summary(rows: list[tuple[str, int]]) -> str:
            text = ""
            total = 0
            for name, cost in rows:
                line = f"[{name}] {cost}"
                text = text + line[:20] + "\\n"
                total += cost
            text += f"{len(rows)} step(s), total {total}"
            return text
        ''',
        '''
        def render_summary(rows: list[tuple[str, int]]) -> str:
            text_parts: list[str] = []
            total = 0
            for name, cost in rows:
                line = f"[{name}] {cost}"
                text_parts.append(line[:20] + "\\n")
                total += cost
            text_parts.append(f"{len(rows)} step(s), total {total}")
            return "".join(text_parts)
        ''',
        inputs=(([],), ([("a", 1), ("b" * 30, 2), ("a", 1)],)),
    ),
    Case(
        "while-loop-with-branches",
        '''
        def resolve(template: str, values: dict[str, str]) -> str:
            out = ""
            i = 0
            while i < len(template):
                ch = template[i]
                if ch == "{":
                    end = template.find("}", i + 1)
                    if end != -1 and template[i + 1 : end] in values:
                        out += values[template[i + 1 : end]]
                        i = end + 1
                        continue
                out += ch
                i += 1
            return out
        ''',
        '''
        def resolve(template: str, values: dict[str, str]) -> str:
            out_parts: list[str] = []
            i = 0
            while i < len(template):
                ch = template[i]
                if ch == "{":
                    end = template.find("}", i + 1)
                    if end != -1 and template[i + 1 : end] in values:
                        out_parts.append(values[template[i + 1 : end]])
                        i = end + 1
                        continue
                out_parts.append(ch)
                i += 1
            return "".join(out_parts)
        ''',
        inputs=(("", {}), ("a{x}b{y}{", {"x": "1"}), ("{x}{x}", {"x": "{x}"})),
    ),
    Case(
        "early-return",
        '''
        def until_blank(lines: list[str]) -> str:
            text = ""
            for line in lines:
                if not line:
                    return text
                text += line + ";"
            return text
        ''',
        '''
        def until_blank(lines: list[str]) -> str:
            text_parts: list[str] = []
            for line in lines:
                if not line:
                    return "".join(text_parts)
                text_parts.append(line + ";")
            return "".join(text_parts)
        ''',
        inputs=(([],), (["a", "b", "", "c"],), (["a"],)),
    ),
    Case(
        "read-midway",
        '''
        def capped(lines: list[str]) -> str:
            text = ""
            for line in lines:
                if len(text) > 10:
                    break
                text += line
            return text
        ''',
        diagnosed=True,
    ),
    Case(
        "returned-with-more",
        '''
        def closed(lines: list[str]) -> str:
            text = ""
            for line in lines:
                text += line
            return text + "."
        ''',
        '''
        def closed(lines: list[str]) -> str:
            text_parts: list[str] = []
            for line in lines:
                text_parts.append(line)
            return "".join(text_parts) + "."
        ''',
        inputs=(([],), (["a", "b"],)),
    ),
    Case(
        "early-return-and-a-read-after-the-while-loop",
        '''
        def render(cells: list[str], stop: str) -> str:
            out = ""
            i = 0
            while i < len(cells):
                if cells[i] == stop:
                    return out.upper()
                out = out + cells[i] + "|"
                i += 1
            trimmed = out.rstrip("|")
            return trimmed
        ''',
        '''
        def render(cells: list[str], stop: str) -> str:
            out_parts: list[str] = []
            i = 0
            while i < len(cells):
                if cells[i] == stop:
                    return "".join(out_parts).upper()
                out_parts.append(cells[i] + "|")
                i += 1
            trimmed = "".join(out_parts).rstrip("|")
            return trimmed
        ''',
        inputs=(([], "x"), (["a", "b", "x", "c"], "x"), (["a", "b"], "z")),
    ),
    Case(
        "read-again-and-again-in-the-return",
        '''
        def repeated(lines: list[str], n: int) -> list[str]:
            text = ""
            for line in lines:
                text += line
            return [text for _ in range(n)] if n else []
        ''',
        diagnosed=True,
    ),
    Case(
        "read-after-a-step-in-a-later-loop",
        '''
        def twice(lines: list[str]) -> str:
            text = ""
            for line in lines:
                text += line
            copy = text
            for line in lines:
                text += line
            return copy + text
        ''',
        diagnosed=True,
    ),
    Case(
        "no-loop",
        '''
        def greeting(name: str) -> str:
            text = ""
            text += "Hello, "
            text += name
            return text
        ''',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_string_builder(case: Case) -> None:
    check(RULE, case)
