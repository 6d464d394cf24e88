"""Edits from a JSONL file, one proposal per line: reproduce a run, or gate edits produced by any
other system. A line is `{"edits": [EDIT, ...]}` or a single EDIT (see `pipeline/edits.py`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

from pipeline.edits import Edit, EditRefused, edit_from_json
from pipeline.errors import BadInput
from pipeline.proposers.base import Proposal, ProposerStats, Target

__all__ = ["ReplayProposer"]


class ReplayProposer:
    NAME: ClassVar[str] = "replay"

    def __init__(self, path: Path) -> None:
        self.stats = ProposerStats()
        self.proposals = self._load(path)
        self.used: set[int] = set()

    def _load(self, path: Path) -> list[tuple[int, tuple[Edit, ...]]]:
        if not path.is_file():
            raise BadInput(f"{path}: replay file does not exist")
        loaded = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line, strict=False)
                items = data["edits"] if isinstance(data, dict) and "edits" in data else [data]
                loaded.append((number, tuple(edit_from_json(item) for item in items)))
            except (ValueError, KeyError, TypeError, EditRefused) as exc:
                self.stats.count("off-schema")
                raise BadInput(f"{path}:{number}: not an edit: {exc}") from None
        return loaded

    def propose(self, target: Target, limit: int) -> list[Proposal]:
        """The file's proposals whose edits touch `target`, each once."""
        found: list[Proposal] = []
        for number, edits in self.proposals:
            if number in self.used or len(found) >= limit:
                continue
            if any(edit.target == target.address for edit in edits):
                self.used.add(number)
                rule = edits[0].rule or "replay"
                found.append(Proposal(edits, f"{rule}×replay", f"replay line {number}"))
                self.stats.count("ok")
        return found

    def remaining_targets(self) -> set[str]:
        """Functions the unused proposals touch (the loop targets them even if not profiled)."""
        return {e.target for n, edits in self.proposals if n not in self.used for e in edits}
