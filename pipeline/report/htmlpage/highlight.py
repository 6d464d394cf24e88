"""Python source as escaped HTML with token classes: enough colour to read a diff, no library.

Works one line at a time (a diff shows fragments), so a string spanning lines is coloured only
on its first line; every character is escaped whatever the tokenizer makes of it.
"""

from __future__ import annotations

import keyword
import re
from html import escape
from typing import Final

__all__ = ["highlight_python"]

_STRING: Final = "|".join([
    r"'{3}.*?(?:'{3}|$)", r'"{3}.*?(?:"{3}|$)',  # triple-quoted, closed on this line or not
    r"'(?:\\.|[^'\\])*(?:'|$)", r'"(?:\\.|[^"\\])*(?:"|$)',
])
_TOKEN: Final = re.compile(
    rf"(?P<comment>\#.*)|(?P<string>[rRbBuUfF]{{0,2}}(?:{_STRING}))"
    r"|(?P<number>\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?j?\b)|(?P<word>[A-Za-z_]\w*)"
)
_BUILTINS: Final = frozenset({"True", "False", "None", "self", "cls"})


def _word(word: str, previous: str) -> str:
    if previous in ("def", "class"):
        return f'<span class="tk-def">{escape(word)}</span>'
    if keyword.iskeyword(word) or keyword.issoftkeyword(word):
        return f'<span class="tk-kw">{word}</span>'
    if word in _BUILTINS:
        return f'<span class="tk-const">{word}</span>'
    return escape(word)


def highlight_python(line: str) -> str:
    """One line of Python as HTML-safe markup."""
    out: list[str] = []
    position, previous = 0, ""
    for match in _TOKEN.finditer(line):
        out.append(escape(line[position:match.start()]))
        text, kind = match.group(), match.lastgroup
        if kind == "word":
            out.append(_word(text, previous))
            previous = text
        else:
            out.append(f'<span class="tk-{kind}">{escape(text)}</span>')
        position = match.end()
    out.append(escape(line[position:]))
    return "".join(out)
