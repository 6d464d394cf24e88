"""A strict, minimal unified-diff applier (stdlib only), so the runtime can check that the sources a
bundle ships are exactly the gated diff applied to the sources it was released against.

Not a general patch tool: no fuzz, no offsets, no renames, no quoted paths. Anything it does not
understand is a reason to refuse the release, never a guess."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["DiffProblem", "FileDiff", "apply_file_diff", "parse_file_diffs"]

_HUNK: Final = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_NO_EOL: Final = "\\ No newline at end of file"


class DiffProblem(Exception):
    """The diff is not one the runtime can apply exactly."""


@dataclass(frozen=True)
class FileDiff:
    path: str
    added: bool
    deleted: bool
    hunks: tuple[tuple[int, int, tuple[str, ...]], ...]  # (old start, old count, lines incl. markers)


def parse_file_diffs(text: str) -> dict[str, FileDiff]:
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    diffs: dict[str, FileDiff] = {}
    i = 0
    while i < len(lines):
        if lines[i].startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            old, new = _path(lines[i][4:], "a/"), _path(lines[i + 1][4:], "b/")
            i, hunks = _hunks(lines, i + 2)
            path = new or old
            if path is None or path in diffs:
                raise DiffProblem("a file section names no path, or a path twice")
            diffs[path] = FileDiff(path, old is None, new is None, hunks)
        elif lines[i].startswith(("GIT binary patch", "Binary files ", "rename from ", "copy from ")):
            raise DiffProblem(f"unsupported diff line: {lines[i][:60]!r}")
        else:
            i += 1
    return diffs


def _path(field: str, prefix: str) -> str | None:
    field = field.split("\t", 1)[0]
    if field == "/dev/null":
        return None
    if field.startswith('"') or not field.startswith(prefix):
        raise DiffProblem(f"unsupported path in a file header: {field!r}")
    return field[len(prefix):]


def _hunks(lines: list[str], i: int) -> tuple[int, tuple[tuple[int, int, tuple[str, ...]], ...]]:
    hunks: list[tuple[int, int, tuple[str, ...]]] = []
    while i < len(lines):
        match = _HUNK.match(lines[i])
        if match is None:
            break
        old_start, old_count = int(match[1]), int(match[2] if match[2] is not None else 1)
        new_count = int(match[4] if match[4] is not None else 1)
        body: list[str] = []
        i += 1
        seen_old = seen_new = 0
        while i < len(lines) and (seen_old < old_count or seen_new < new_count or lines[i] == _NO_EOL):
            line = lines[i]
            if line != _NO_EOL:
                kind = line[:1] if line else " "
                if kind not in " +-":
                    raise DiffProblem(f"malformed hunk line: {line[:60]!r}")
                seen_old += kind in " -"
                seen_new += kind in " +"
            body.append(line)
            i += 1
        if seen_old != old_count or seen_new != new_count:
            raise DiffProblem("a hunk is shorter than its header says")
        hunks.append((old_start, old_count, tuple(body)))
    return i, tuple(hunks)


def apply_file_diff(original: str, diff: FileDiff) -> str:
    """The new text of one file; DiffProblem when a context or removed line does not match."""
    old = original.split("\n")
    old_eol = original.endswith("\n") or not original
    if original.endswith("\n") or not original:
        old.pop()
    out: list[str] = []
    pos = 0
    new_eol = old_eol
    for start, count, body in diff.hunks:
        at = start if count == 0 else start - 1
        if at < pos or at > len(old):
            raise DiffProblem(f"{diff.path}: hunk at line {start} is out of order or past the end")
        out += old[pos:at]
        pos = at
        previous = ""
        for line in body:
            if line == _NO_EOL:
                new_eol = previous == "-"
                continue
            kind, content = (line[:1] or " "), line[1:]
            if kind in " -":
                if pos >= len(old) or old[pos] != content:
                    raise DiffProblem(f"{diff.path}: line {pos + 1} does not match the diff's context")
                pos += 1
            if kind in " +":
                out.append(content)
            previous = kind
    out += old[pos:]
    if not out:
        return ""
    return "\n".join(out) + ("\n" if new_eol else "")
