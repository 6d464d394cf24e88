"""The agent's scratchpad: results of earlier steps, looked up by key or by words."""

from __future__ import annotations

from planner.config import DEFAULT_SEARCH_LIMIT


def rank_entries(entries: list[tuple[str, str]], query: str, limit: int) -> list[str]:
    """Keys of the entries sharing the most words with ``query``, best first.

    Entries sharing no word are left out; equal scores keep insertion order.
    """
    scored: list[tuple[int, str]] = []
    for key, value in entries:
        terms = query.lower().split()
        words = (key + " " + value).lower().split()
        score = 0
        for term in terms:
            if term in words:
                score += 1
        if score > 0:
            scored.append((score, key))
    scored.sort(key=lambda pair: -pair[0])
    return [key for _, key in scored[: max(limit, 0)]]


def resolve_placeholders(template: str, values: dict[str, str]) -> str:
    """Replace ``{key}`` with ``values[key]``; unknown placeholders stay as written."""
    out = ""
    i = 0
    n = len(template)
    while i < n:
        ch = template[i]
        if ch == "{":
            end = template.find("}", i + 1)
            if end != -1:
                key = template[i + 1 : end]
                if key in values:
                    out += values[key]
                    i = end + 1
                    continue
        out += ch
        i += 1
    return out


class Scratchpad:
    """Ordered key/value memory with a little history of what was written."""

    def __init__(self) -> None:
        self._data: dict[str, str] = {}
        self.history: list[str] = []

    def __len__(self) -> int:
        return len(self._data)

    def put(self, key: str, value: str) -> None:
        self._data[key] = value
        self.history.append(key)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._data.get(key, default)

    def items(self) -> list[tuple[str, str]]:
        return list(self._data.items())

    def search(self, query: str, limit: int = DEFAULT_SEARCH_LIMIT) -> list[str]:
        return rank_entries(self.items(), query, limit)

    def fill(self, template: str) -> str:
        return resolve_placeholders(template, self._data)
