"""Which kinds of edit pay off: Thompson sampling over arms (edit kind × diagnostic class), each a
Beta posterior of "admitted with a measured speed-up", persisted in SQLite so it learns across runs."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

__all__ = ["Bandit", "default_state_file"]

T = TypeVar("T")


def default_state_file() -> Path:
    import os

    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "crucible" / "bandit.sqlite"


class Bandit:
    def __init__(self, path: Path, seed: int | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.random = random.Random(seed)
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS arms (arm TEXT PRIMARY KEY, wins INTEGER NOT NULL, losses INTEGER NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def posterior(self, arm: str) -> tuple[int, int]:
        """(wins, losses) so far; the prior Beta(1, 1) is added when sampling."""
        with self._connect() as db:
            row = db.execute("SELECT wins, losses FROM arms WHERE arm = ?", (arm,)).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def order(self, items: Sequence[T], arm_of: dict[int, str]) -> list[T]:
        """`items` by a Thompson sample of their arm's success rate, best first."""
        draws = {}
        for index in range(len(items)):
            wins, losses = self.posterior(arm_of[index])
            draws[index] = self.random.betavariate(wins + 1, losses + 1)
        return [items[i] for i in sorted(range(len(items)), key=lambda i: -draws[i])]

    def record(self, arm: str, success: bool) -> None:
        with self._connect() as db:
            db.execute("INSERT OR IGNORE INTO arms (arm, wins, losses) VALUES (?, 0, 0)", (arm,))
            column = "wins" if success else "losses"
            db.execute(f"UPDATE arms SET {column} = {column} + 1 WHERE arm = ?", (arm,))

    def table(self) -> list[tuple[str, int, int]]:
        with self._connect() as db:
            return [(str(a), int(w), int(l)) for a, w, l in db.execute("SELECT arm, wins, losses FROM arms ORDER BY arm")]
