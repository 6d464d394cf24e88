"""A unified diff as numbered lines, and where in it a finding lands.

Reports point findings at lines of the patch: a mypy error at `planner/plan.py:42`, or a
counterexample for `first_over_budget`, is shown next to the diff line that put it there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from verifiers.base import Evidence

__all__ = ["DiffLine", "LineKind", "Located", "changed_paths", "locate", "parse_diff"]

_HUNK: Final = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class LineKind(StrEnum):
    HEADER = "header"  # diff --git, index, ---, +++ and other file-level lines
    HUNK = "hunk"
    ADDED = "added"
    REMOVED = "removed"
    CONTEXT = "context"


@dataclass(frozen=True)
class DiffLine:
    kind: LineKind
    text: str
    path: str | None  # the file this line belongs to (its new path; the old one when deleted)
    old: int | None = None  # line number in the original file
    new: int | None = None  # line number in the patched file


@dataclass(frozen=True)
class Located:
    """Where a finding points: a file, a line of the patched file, and the diff line showing it."""

    path: str | None
    line: int | None
    index: int | None  # position in `parse_diff(...)`, when the diff shows that line


def _strip_prefix(name: str) -> str | None:
    name = name.split("\t", 1)[0].strip()
    if name == "/dev/null":
        return None
    return name[2:] if name.startswith(("a/", "b/")) else name


def parse_diff(diff: str) -> list[DiffLine]:
    """Every line of `diff`, classified and numbered; anything unparseable stays a header line.
    A hunk's line counts say where it ends, so a removed line `--- x` is not a file header."""
    lines: list[DiffLine] = []
    path: str | None = None
    old = new = old_left = new_left = 0
    for text in diff.splitlines():
        if (old_left > 0 or new_left > 0) and text[:1] not in ("+", "-", " ", "\\", ""):
            old_left = new_left = 0  # a miscounted hunk: whatever this is, it is not hunk content
        if old_left > 0 or new_left > 0:
            kind = {"+": LineKind.ADDED, "-": LineKind.REMOVED, "\\": LineKind.HEADER}.get(text[:1], LineKind.CONTEXT)
            if kind is LineKind.HEADER:  # "\ No newline at end of file"
                lines.append(DiffLine(kind, text, path))
                continue
            lines.append(DiffLine(kind, text, path, None if kind is LineKind.ADDED else old,
                                  None if kind is LineKind.REMOVED else new))
            old, old_left = (old + 1, old_left - 1) if kind is not LineKind.ADDED else (old, old_left)
            new, new_left = (new + 1, new_left - 1) if kind is not LineKind.REMOVED else (new, new_left)
            continue
        if (match := _HUNK.match(text)) is not None:
            old, new = int(match[1]), int(match[3])
            old_left = int(match[2]) if match[2] is not None else 1
            new_left = int(match[4]) if match[4] is not None else 1
            lines.append(DiffLine(LineKind.HUNK, text, path))
            continue
        if text.startswith("--- "):
            path = _strip_prefix(text[4:])
        elif text.startswith("+++ "):
            path = _strip_prefix(text[4:]) or path
        elif text.startswith("diff --git "):
            path = None
        lines.append(DiffLine(LineKind.HEADER, text, path))
    return lines


def changed_paths(lines: Sequence[DiffLine]) -> list[str]:
    """Files with at least one hunk, in diff order."""
    seen: dict[str, None] = {}
    for line in lines:
        if line.kind is LineKind.HUNK and line.path:
            seen.setdefault(line.path)
    return list(seen)


def _definition(name: str) -> re.Pattern[str]:
    leaf = re.escape(name.rsplit(".", 1)[-1])
    return re.compile(rf"^[+ ]\s*(?:async\s+def|def|class)\s+{leaf}\b")


def locate(lines: Sequence[DiffLine], evidence: Evidence) -> Located:
    """The diff line a finding points at: its path and line when it has them, else the `def` of
    the function it names (formal gates name functions, not lines), else nothing."""
    path = evidence.path
    if path is not None and evidence.line is not None:
        index = next((i for i, line in enumerate(lines) if line.path == path and line.new == evidence.line), None)
        return Located(path, evidence.line, index)
    if evidence.rule and re.fullmatch(r"[\w.]+", evidence.rule):
        pattern = _definition(evidence.rule)
        for i, line in enumerate(lines):
            if line.new is not None and (path is None or line.path == path) and pattern.match(line.text):
                return Located(line.path, line.new, i)
    return Located(path, None, None)
