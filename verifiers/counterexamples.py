"""Counterexamples as ready-to-run pytest tests: they pass on the original and fail on the
variant, run from the project root (`python -m pytest path/to/test_file.py`)."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["contract_test", "equivalence_test", "split_call"]

_HEADER: Final = '''"""{title}

Written by Crucible. Passes on the original, fails on the variant.
Run from the project root: python -m pytest {{this file}}
"""

import builtins
import inspect
import itertools

import pytest

import {module} as _module
'''


_ITERATOR: Final = re.compile(r"<iterator yielding (\[.*\])>", re.S)  # the formal worker's Drained
_DRAINED: Final = 1000  # the formal worker's DRAIN_LIMIT


def split_call(text: str, leaf: str) -> str | None:
    """The argument source of the first `leaf(...)` call in `text` (balanced parentheses)."""
    found = re.search(rf"(?<!\w){re.escape(leaf)}\(", text)  # `f(`, not the end of `gf(`
    if found is None:
        return None
    start = found.start()
    depth, quote, i = 0, "", start + len(leaf)
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return text[start + len(leaf) + 1:i]
        i += 1
    return None


def _slug(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_").lower() or "case"


def _callee(qualname: str) -> str:
    return "_module." + qualname


def equivalence_test(module: str, qualname: str, arguments: str, returned: str, error: str | None,
                     sees_callers_change: bool | None = None) -> str:
    """A test pinning the original's behaviour on `arguments` (a call's argument source):
    its return value's repr, or the type of the exception it raised — or, when the versions differ
    only in handing out a container the caller then changes (`sees_callers_change`: what the
    original does), whether a second call shows that change."""
    title = f"Crucible equivalence gate: {module}.{qualname} behaves differently on this input."
    body = _HEADER.format(title=title, module=module)
    call = f"{_callee(qualname)}({arguments})"
    names = "    globals().update({k: v for k, v in vars(_module).items() if not k.startswith('__')})\n"
    if sees_callers_change is not None:
        check = (f"    first = {call}\n    mark = \"caller's own item\"\n"
                 "    if isinstance(first, dict):\n        first[mark] = mark\n"
                 "    elif isinstance(first, set):\n        first.add(mark)\n"
                 "    else:\n        first.append(mark)\n"
                 f"    assert (mark in repr({call})) is {sees_callers_change}\n")
        return body + f"\n\ndef test_{_slug(qualname)}_counterexample() -> None:\n{names}{check}"
    if error is not None:
        kind = error.split("(", 1)[0]
        # The module's own class first (it may shadow a builtin name); `__builtins__` is a dict
        # outside `__main__`, so builtins are looked up on the module of that name.
        exception = f"getattr(_module, {kind!r}, None) or getattr(builtins, {kind!r})"
        check = f"    with pytest.raises({exception}):\n        {call}\n"
    elif iterated := _ITERATOR.fullmatch(returned):
        # The original returned a one-shot iterator: what it yields is the behaviour (its first
        # _DRAINED items when it yields more).
        items = iterated.group(1)
        if items.endswith(", …]"):
            check = (f"    result = list(itertools.islice({call}, {_DRAINED}))\n"
                     f"    assert repr(result) == {items[:-len(', …]')] + ']'!r}\n")
        else:
            check = f"    result = list({call})\n    assert repr(result) == {items!r}\n"
    elif returned.endswith("…"):  # cut short in the record: pin the part that was kept
        check = f"    result = {call}\n    assert repr(result).startswith({returned[:-1]!r})\n"
    else:
        check = f"    result = {call}\n    assert repr(result) == {returned!r}\n"
    return body + f"\n\ndef test_{_slug(qualname)}_counterexample() -> None:\n{names}{check}"


def contract_test(module: str, qualname: str, arguments: str, condition: str) -> str:
    """A test evaluating the violated condition on the counterexample input."""
    title = f"Crucible contracts gate: {module}.{qualname} breaks `{condition}`."
    body = _HEADER.format(title=title, module=module)
    expression = condition.split(":", 1)[1].strip() if ":" in condition else ""
    lines = [
        f"    namespace = {{k: v for k, v in vars(_module).items()}}",
        f"    args = eval({('(' + arguments + ',)') if arguments.strip() else '()'!r}, namespace)",
        f"    function = {_callee(qualname)}",
        "    bound = inspect.signature(function).bind(*args)",
        "    result = function(*args)",
    ]
    if expression and "__old__" not in expression:
        lines += [
            "    names = {**namespace, **bound.arguments, '__return__': result}",
            f"    assert eval({expression!r}, names)",
        ]
    return body + f"\n\ndef test_{_slug(qualname)}_contract() -> None:\n" + "\n".join(lines) + "\n"
