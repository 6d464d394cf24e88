"""The agent's code change log: one JSON line per release, refusal, switch, canary verdict and
rollback — who, what, when, and which verdict. Append-only, fsynced, and hash-chained (each line
holds the SHA-256 of the line before it), so a removed or edited line shows.

Convention: `<agent root>/.crucible/changelog.jsonl`. A report links to it through a record's
`project` field (`changelog_path(Path(record.project))`), and each release line names its
candidate and report directory, so the two point at each other."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

__all__ = [
    "CHANGELOG",
    "ChangeEvent",
    "ChangeLog",
    "Scalar",
    "candidate_history",
    "changelog_path",
    "read_changelog",
    "verify_changelog",
]

CHANGELOG: Final = ".crucible/changelog.jsonl"
_TAIL_BYTES: Final = 256 * 1024
_MAX_TEXT: Final = 600

Scalar = str | int | float | bool | None


def changelog_path(root: Path) -> Path:
    return root / CHANGELOG


@dataclass(frozen=True)
class ChangeEvent:
    """`event` is one of: start, release-received, release-refused, switch, canary-passed,
    canary-failed, health-failed, rollback, rollback-refused."""

    event: str
    who: str
    reason: str = ""
    version: int | None = None  # the version live after the event (or the one it concerns)
    previous: int | None = None  # the version live before a switch or rollback
    release: str | None = None
    candidate: str | None = None
    kernel_digest: str | None = None
    report: str | None = None
    evidence: tuple[tuple[str, Scalar], ...] = ()


class ChangeLog:
    def __init__(self, path: Path, agent: str) -> None:
        self.path = path
        self.agent = agent
        self._lock = threading.Lock()

    def append(self, event: ChangeEvent) -> dict[str, object]:
        """Write one line (durably) and return it as written."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # another process appending to the same log waits
                previous = _last_line(fd)
                line = self._line(event, previous)
                os.write(fd, json.dumps(line, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n")
                os.fsync(fd)
            finally:
                os.close(fd)
            return line

    def _line(self, event: ChangeEvent, previous: bytes) -> dict[str, object]:
        fields = {k: v for k, v in vars(event).items() if k != "evidence" and v is not None}
        return {
            **fields,
            "time": datetime.now(UTC).isoformat(timespec="microseconds"),
            "agent": self.agent,
            "pid": os.getpid(),
            "seq": _seq_after(previous),
            "reason": _clip(event.reason),
            "evidence": {k: _clip(v) if isinstance(v, str) else v for k, v in event.evidence},
            "prev": hashlib.sha256(previous).hexdigest() if previous else "",
        }


def _seq_after(previous: bytes) -> int:
    try:
        seq = json.loads(previous).get("seq", 0) if previous else 0
    except (ValueError, AttributeError):
        seq = 0
    return seq + 1 if isinstance(seq, int) else 1


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "…"


def _last_line(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    if size == 0:
        return b""
    start = max(0, size - _TAIL_BYTES)
    data = os.pread(fd, size - start, start)
    return data.rstrip(b"\n").rsplit(b"\n", 1)[-1]


def read_changelog(path: Path) -> list[dict[str, object]]:
    """Every entry, oldest first ([] when the agent never wrote one)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def candidate_history(project: Path, candidate: str) -> list[dict[str, object]]:
    """What became of one candidate in the agent at `project` (a report's `record.project`): its
    releases, refusals, switches, canary verdicts and rollbacks, oldest first."""
    return [entry for entry in read_changelog(changelog_path(project)) if entry.get("candidate") == candidate]


def verify_changelog(path: Path) -> list[str]:
    """Breaks in the hash chain: a line edited, removed or inserted after the fact."""
    problems: list[str] = []
    previous = b""
    for number, raw in enumerate(path.read_bytes().splitlines(), start=1):
        try:
            stated = json.loads(raw).get("prev", None)
        except ValueError:
            problems.append(f"line {number}: not JSON")
            previous = raw
            continue
        expected = hashlib.sha256(previous).hexdigest() if previous else ""
        if stated != expected:
            problems.append(f"line {number}: does not follow line {number - 1} (chain broken)")
        previous = raw
    return problems
