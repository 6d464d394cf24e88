"""Turn a free-text goal into clauses, keywords and dependencies."""

from __future__ import annotations

import re
from dataclasses import dataclass

STOPWORDS: frozenset[str] = frozenset(
    {
        "a", "an", "and", "the", "to", "of", "for", "on", "in", "at", "with",
        "me", "my", "please", "it", "is", "what", "then", "that", "this", "about",
    }
)

_TOKEN_RE = re.compile(r"[a-z0-9@$(][a-z0-9@._$+\-*/()-]*", re.IGNORECASE)
_SEQUENTIAL_RE = re.compile(r"\s*(?:;|\bthen\b|\bafterwards\b|\band then\b)\s*", re.IGNORECASE)
_PARALLEL_RE = re.compile(r"\s*(?:,|\balso\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    """One thing the goal asks for, with the clauses it must wait for."""

    id: str
    text: str
    keywords: tuple[str, ...]
    depends_on: tuple[str, ...]


def tokenize(text: str) -> list[str]:
    """Lower-cased word-like tokens, keeping e-mail addresses, amounts and
    arithmetic expressions in one piece; trailing punctuation is dropped."""
    return [m.group(0).lower().rstrip(".") for m in _TOKEN_RE.finditer(text)]


def unique_keywords(tokens: list[str]) -> list[str]:
    """The tokens that are not stop words, each once, in first-seen order."""
    out: list[str] = []
    for token in tokens:
        if token in STOPWORDS:
            continue
        if token not in out:
            out.append(token)
    return out


def keyword_counts(tokens: list[str], vocabulary: list[str]) -> dict[str, int]:
    """How often each vocabulary word occurs among ``tokens``."""
    counts: dict[str, int] = {}
    for word in vocabulary:
        n = 0
        for token in tokens:
            if token == word:
                n += 1
        counts[word] = n
    return counts


def split_goal(goal: str) -> list[list[str]]:
    """Split a goal into stages of clauses.

    Stages are separated by sequencing words ("then", ";"); clauses inside a
    stage (separated by commas or "also") are independent of each other.
    """
    stages: list[list[str]] = []
    for stage_text in _SEQUENTIAL_RE.split(goal):
        clauses = [c.strip() for c in _PARALLEL_RE.split(stage_text) if c and c.strip()]
        if clauses:
            stages.append(clauses)
    return stages


def decompose(goal: str) -> list[Clause]:
    """Decompose ``goal`` into clauses; each clause depends on every clause of
    the previous stage."""
    result: list[Clause] = []
    previous: tuple[str, ...] = ()
    for stage in split_goal(goal):
        current: list[str] = []
        for text in stage:
            clause_id = f"s{len(result) + 1}"
            keywords = tuple(unique_keywords(tokenize(text)))
            result.append(Clause(clause_id, text, keywords, previous))
            current.append(clause_id)
        previous = tuple(current)
    return result
