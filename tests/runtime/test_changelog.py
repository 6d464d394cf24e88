"""The change log: append-only JSON lines, hash-chained, readable without the runtime."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.runtime import CHANGELOG, ChangeEvent, changelog_path, read_changelog, verify_changelog
from pipeline.runtime.changelog import ChangeLog


def test_lines_are_chained_and_numbered_across_writers(tmp_path: Path) -> None:
    path = changelog_path(tmp_path)
    assert path == tmp_path / CHANGELOG == tmp_path / ".crucible" / "changelog.jsonl"
    ChangeLog(path, "agent").append(ChangeEvent("start", "runtime", version=0))
    ChangeLog(path, "agent").append(ChangeEvent("switch", "alice", "why", version=1, previous=0,
                                                evidence=(("switch_seconds", 1e-6), ("long", "x" * 5000))))
    entries = read_changelog(path)
    assert [(e["seq"], e["event"], e["who"]) for e in entries] == [(1, "start", "runtime"), (2, "switch", "alice")]
    assert entries[0]["prev"] == "" and len(str(entries[1]["prev"])) == 64
    assert entries[1]["evidence"] == {"switch_seconds": 1e-6, "long": "x" * 600 + "…"}
    assert "candidate" not in entries[1]  # unset fields are left out, not null
    assert verify_changelog(path) == []


def test_an_edited_or_removed_line_breaks_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    log = ChangeLog(path, "agent")
    for n in range(4):
        log.append(ChangeEvent("switch", "bob", version=n))
    lines = path.read_text().splitlines()
    edited = json.loads(lines[1])
    edited["who"] = "mallory"
    path.write_text("\n".join([lines[0], json.dumps(edited, sort_keys=True), *lines[2:]]) + "\n")
    assert verify_changelog(path) == ["line 3: does not follow line 2 (chain broken)"]
    path.write_text("\n".join([lines[0], *lines[2:]]) + "\n")
    assert verify_changelog(path) == ["line 2: does not follow line 1 (chain broken)"]


def test_no_log_reads_as_empty(tmp_path: Path) -> None:
    assert read_changelog(changelog_path(tmp_path)) == []
