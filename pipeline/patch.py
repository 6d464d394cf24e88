"""Unified-diff intake: parse a patch as `git diff` writes it, refuse anything unsafe, apply it to
a private copy. Every refusal is one BadInput line (exit 2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.config import relative_project_path
from pipeline.errors import BadInput
from verifiers.base import ChangeKind, FileChange

__all__ = ["FilePatch", "Hunk", "Patch", "apply_patch", "parse_patch", "read_patch"]

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_GIT_HEADER = re.compile(r"^diff --git (\S+|\"(?:[^\"\\]|\\.)*\") (\S+|\"(?:[^\"\\]|\\.)*\")$")
_ALLOWED_MODES: Final = frozenset({"100644", "100755"})
_IGNORED_HEADERS: Final = ("index ", "similarity index ", "dissimilarity index ")
MAX_PATCH_BYTES: Final = 20 * 1024 * 1024


@dataclass(frozen=True)
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: tuple[str, ...]  # each starts with ' ', '-' or '+'; no trailing newline
    old_eof_newline: bool = True  # False when "\ No newline at end of file" followed an old line
    new_eof_newline: bool = True


@dataclass(frozen=True)
class FilePatch:
    old_path: str | None  # None for a new file
    new_path: str | None  # None for a deleted file
    hunks: tuple[Hunk, ...]

    @property
    def path(self) -> str:
        path = self.new_path or self.old_path
        assert path is not None
        return path


@dataclass(frozen=True)
class Patch:
    text: str
    files: tuple[FilePatch, ...]


def read_patch(path: Path) -> Patch:
    if not path.is_file():
        raise BadInput(f"{path}: patch file does not exist")
    data = path.read_bytes()
    if len(data) > MAX_PATCH_BYTES:
        raise BadInput(f"{path}: patch is larger than {MAX_PATCH_BYTES // 1024 // 1024} MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{path}: patch is not UTF-8 text (binary patches are refused)") from None
    return parse_patch(text, source=str(path))


def parse_patch(text: str, *, source: str = "patch") -> Patch:
    if not text.strip():
        raise BadInput(f"{source}: patch is empty")
    if "\x00" in text:
        raise BadInput(f"{source}: patch contains NUL bytes (binary patches are refused)")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()  # the empty tail after the last newline is not a (blank context) line
    parser = _Parser(lines, source)
    files = parser.parse()
    if not files:
        raise BadInput(f"{source}: not a unified diff (no '--- a/…' / '+++ b/…' file headers found)")
    seen: set[str] = set()
    for file in files:
        touched = {p for p in (file.old_path, file.new_path) if p is not None}
        repeated = touched & seen
        if repeated:
            raise BadInput(f"{source}: {sorted(repeated)[0]} appears in more than one file section")
        seen |= touched
    written = {file.new_path for file in files if file.new_path is not None}
    for path in sorted(written):
        parents = {"/".join(path.split("/")[:n]) for n in range(1, path.count("/") + 1)}
        clash = sorted(parents & written)
        if clash:
            raise BadInput(f"{source}: {path} needs {clash[0]} to be a directory, but the patch writes it as a file")
    return Patch(text, tuple(files))


class _Parser:
    def __init__(self, lines: list[str], source: str) -> None:
        self.lines = lines
        self.source = source
        self.i = 0

    def fail(self, message: str) -> BadInput:
        return BadInput(f"{self.source}:{self.i + 1}: {message}")

    def parse(self) -> list[FilePatch]:
        files: list[FilePatch] = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.startswith("diff --git "):
                files.append(self._git_section())
            elif line.startswith("--- ") and self._peek(1).startswith("+++ "):
                files.append(self._plain_section())
            elif line.startswith(("GIT binary patch", "Binary files ")):
                raise self.fail("binary patches are refused")
            elif line.startswith("@@ -"):  # git apply refuses it too; skipping it would drop a change
                raise self.fail("hunk outside a file section (no '--- a/…' / '+++ b/…' before it)")
            else:
                self.i += 1  # commit message, `diff -u` command line, trailing text
        return files

    def _peek(self, offset: int) -> str:
        index = self.i + offset
        return self.lines[index] if index < len(self.lines) else ""

    def _git_section(self) -> FilePatch:
        old, new = _git_header_paths(self.lines[self.i])
        self.i += 1
        new_file = deleted = False
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.startswith(("--- ", "diff --git ", "@@")):
                break
            if line.startswith(("GIT binary patch", "Binary files ")):
                raise self.fail(f"binary patch for {new} is refused")
            if line.startswith(("new file mode ", "new mode ")):
                self._check_mode(line.rsplit(" ", 1)[1], new)
                new_file = new_file or line.startswith("new file mode ")
            elif line.startswith(("deleted file mode ", "old mode ")):
                self._check_mode(line.rsplit(" ", 1)[1], old)
                deleted = deleted or line.startswith("deleted file mode ")
            elif line.startswith(("copy from ", "copy to ")):
                # Applied like a rename it would delete the source; write the new file in full.
                raise self.fail(f"copy patches (git diff -C) are refused: {line[:60]!r}")
            elif line.startswith("rename from "):
                old = _unquote(line.split(" ", 2)[2])
            elif line.startswith("rename to "):
                new = _unquote(line.split(" ", 2)[2])
            elif line and not line.startswith(_IGNORED_HEADERS):
                raise self.fail(f"unexpected line in the header of {new}: {line[:60]!r}")
            self.i += 1
        hunks: tuple[Hunk, ...] = ()
        if self.i < len(self.lines) and self.lines[self.i].startswith("--- "):
            header_old, header_new = self._file_headers()
            for named, header in ((old, header_old), (new, header_new)):
                if named is not None and header is not None and named != header:  # git apply refuses too
                    raise self.fail(f"file names disagree: {named!r} in the git header, {header!r} in ---/+++")
            old, new = header_old or old, header_new or new
            hunks = self._hunks()
        return self._file(None if new_file else old, None if deleted else new, hunks)

    def _plain_section(self) -> FilePatch:
        old, new = self._file_headers()
        return self._file(old, new, self._hunks())

    def _file_headers(self) -> tuple[str | None, str | None]:
        old = self._header_path(self.lines[self.i][4:], "a/")
        new = self._header_path(self.lines[self.i + 1][4:], "b/")
        self.i += 2
        return old, new

    def _header_path(self, text: str, prefix: str) -> str | None:
        name = _unquote(text.split("\t", 1)[0].rstrip())
        return None if name == "/dev/null" else _strip_prefix(name, prefix)

    def _hunks(self) -> tuple[Hunk, ...]:
        hunks = []
        while self.i < len(self.lines) and self.lines[self.i].startswith("@@"):
            hunks.append(self._hunk())
        if not hunks:
            raise self.fail("file section without any '@@' hunk")
        return tuple(hunks)

    def _hunk(self) -> Hunk:
        match = _HUNK.match(self.lines[self.i])
        if match is None:
            raise self.fail("malformed hunk header")
        old_start, new_start = int(match.group(1)), int(match.group(3))
        old_count = 1 if match.group(2) is None else int(match.group(2))
        new_count = 1 if match.group(4) is None else int(match.group(4))
        self.i += 1
        lines: list[str] = []
        old_seen = new_seen = 0
        old_eof = new_eof = True
        while old_seen < old_count or new_seen < new_count or self._peek(0).startswith("\\"):
            if self.i >= len(self.lines):
                raise self.fail("hunk ends early (line counts in its header do not match)")
            line = self.lines[self.i]
            if line.startswith("\\"):
                if not lines:
                    raise self.fail("'\\ No newline' marker without a preceding line")
                old_eof = old_eof and lines[-1][0] == "+"
                new_eof = new_eof and lines[-1][0] == "-"
            elif line[:1] in {" ", "-", "+"} or line == "":
                kind = line[:1] or " "
                old_seen += kind != "+"
                new_seen += kind != "-"
                lines.append(kind + line[1:])
            else:
                raise self.fail(f"unexpected line inside a hunk: {line[:60]!r}")
            self.i += 1
        if old_seen != old_count or new_seen != new_count:
            raise self.fail("hunk line counts do not match its header")
        return Hunk(old_start, old_count, new_start, new_count, tuple(lines), old_eof, new_eof)

    def _check_mode(self, mode: str, path: str | None) -> None:
        """Regular files only: a symlink or submodule could point anywhere."""
        if mode not in _ALLOWED_MODES:
            what = {"120000": "a symlink", "160000": "a submodule"}.get(mode, f"mode {mode}")
            raise self.fail(f"{path}: {what} is refused (regular files only)")

    def _file(self, old: str | None, new: str | None, hunks: tuple[Hunk, ...]) -> FilePatch:
        if old is None and new is None:
            raise self.fail("file section with neither an old nor a new path")
        return FilePatch(self._safe(old), self._safe(new), hunks)

    def _safe(self, path: str | None) -> str | None:
        if path is None:
            return None
        safe = relative_project_path(path)
        if safe is None or any(part in {".git"} for part in safe.split("/")):
            raise self.fail(f"path {path!r} is outside the project (absolute, '..' or .git)")
        if any(ord(ch) < 32 for ch in safe):
            raise self.fail(f"path {path!r} contains control characters")
        return safe


def _git_header_paths(line: str) -> tuple[str | None, str | None]:
    """The two names of a `diff --git` line. Unquoted names with spaces do not split on
    whitespace; like git, take `a/NAME b/NAME` with the same NAME twice, else leave them to
    the ---/+++ or rename lines."""
    match = _GIT_HEADER.match(line)
    if match:
        return _strip_prefix(_unquote(match.group(1)), "a/"), _strip_prefix(_unquote(match.group(2)), "b/")
    rest = line[len("diff --git "):]
    half = len(rest) // 2
    if len(rest) % 2 and rest[half] == " " and rest.startswith("a/") and rest[half + 1:] == "b/" + rest[2:half]:
        return rest[2:half], rest[2:half]
    return None, None


def _strip_prefix(path: str, prefix: str) -> str:
    return path[len(prefix):] if path.startswith(prefix) else path


def _unquote(text: str) -> str:
    """git quotes unusual paths C-style: "a/tab\\there"."""
    if not (len(text) >= 2 and text[0] == text[-1] == '"'):
        return text
    raw = text[1:-1].encode("utf-8").decode("unicode_escape")  # raw UTF-8 reads as latin-1 here
    return raw.encode("latin-1", errors="ignore").decode("utf-8", errors="replace")


def apply_patch(patch: Patch, root: Path) -> tuple[FileChange, ...]:
    """Apply every file section to the tree at `root` (a private copy), all or nothing."""
    planned: list[tuple[FilePatch, bytes | None]] = []
    for file in patch.files:
        planned.append((file, _new_content(file, root)))
    changes: list[FileChange] = []
    for file, content in planned:
        if file.old_path is not None and file.old_path != file.new_path:
            (root / file.old_path).unlink()
        if content is not None and file.new_path is not None:
            target = root / file.new_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        changes.append(_change(file))
    return tuple(changes)


def _change(file: FilePatch) -> FileChange:
    if file.old_path is None:
        return FileChange(file.path, ChangeKind.ADDED)
    if file.new_path is None:
        return FileChange(file.old_path, ChangeKind.DELETED)
    if file.old_path != file.new_path:
        return FileChange(file.new_path, ChangeKind.ADDED, renamed_from=file.old_path)
    return FileChange(file.new_path, ChangeKind.MODIFIED)


def _new_content(file: FilePatch, root: Path) -> bytes | None:
    for path in (file.old_path, file.new_path):
        if path is not None:
            _refuse_links(root, path)
    if file.new_path is not None and file.new_path != file.old_path and (root / file.new_path).exists():
        raise BadInput(f"{file.new_path}: patch creates or renames onto a file that already exists")
    if file.old_path is None:
        return _apply_hunks(file, [], True).encode("utf-8")
    source = root / file.old_path
    if not source.is_file():
        raise BadInput(f"{file.old_path}: patch changes a file the project does not have")
    try:
        text = source.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{file.old_path}: not UTF-8 text; only text files can be patched") from None
    lines = text.split("\n") if text else []  # an empty file has no lines, not one empty one
    ends_with_newline = text.endswith("\n")
    if ends_with_newline:
        lines.pop()
    result = _apply_hunks(file, lines, ends_with_newline)
    if file.new_path is None:
        if result:
            raise BadInput(f"{file.old_path}: deletion patch does not remove the whole file")
        return None
    return result.encode("utf-8")


def _refuse_links(root: Path, relative: str) -> None:
    """No path component may be a symlink (a patch must not write through one), and every
    parent that exists must be a directory."""
    current = root
    parts = relative.split("/")
    for index, part in enumerate(parts):
        current = current / part
        if current.is_symlink():
            raise BadInput(f"{relative}: goes through a symlink ({current.relative_to(root)}); refused")
        if index < len(parts) - 1 and current.exists() and not current.is_dir():
            raise BadInput(f"{relative}: {current.relative_to(root)} is a file, not a directory")


def _apply_hunks(file: FilePatch, lines: list[str], eof_newline: bool) -> str:
    out: list[str] = []
    cursor = 0
    for number, hunk in enumerate(file.hunks, 1):
        old = [line[1:] for line in hunk.lines if line[0] != "+"]
        new = [line[1:] for line in hunk.lines if line[0] != "-"]
        at = _locate(lines, old, hunk.old_start - 1 if hunk.old_count else hunk.old_start, cursor)
        if at is None:
            raise BadInput(f"{file.path}: hunk {number} (@@ -{hunk.old_start}) does not apply")
        out.extend(lines[cursor:at])
        out.extend(new)
        cursor = at + len(old)
        if cursor == len(lines):
            eof_newline = hunk.new_eof_newline
    out.extend(lines[cursor:])
    if not out:
        return ""
    return "\n".join(out) + ("\n" if eof_newline else "")


def _locate(lines: list[str], old: list[str], expected: int, floor: int) -> int | None:
    """Where `old` sits: at `expected` if it matches, else the nearest exact match after `floor`."""
    def matches(at: int) -> bool:
        return at >= floor and lines[at:at + len(old)] == old

    if matches(expected):
        return expected
    for delta in range(1, len(lines) + 1):
        for at in (expected - delta, expected + delta):
            if 0 <= at <= len(lines) - len(old) and matches(at):
                return at
    return None
