"""Text normalisation, tokenising and simple term statistics."""

from __future__ import annotations

import re

_NOT_WORD = re.compile(r"[^a-z0-9@.'_+-]+")
_EDGE_PUNCT = ".'_+-"

STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do",
        "for", "from", "has", "have", "hi", "hello", "i", "if", "in", "is",
        "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "please",
        "so", "thanks", "that", "the", "this", "to", "was", "we", "with",
        "you", "your",
    }
)


def normalise(text: str) -> str:
    """Lower-case ``text``, turn punctuation into spaces and collapse runs
    of whitespace into single spaces."""
    cleaned = _NOT_WORD.sub(" ", text.lower())
    return " ".join(cleaned.split())


def tokenize(text: str) -> list[str]:
    """Split ``text`` into normalised content words (stopwords dropped)."""
    tokens: list[str] = []
    for raw in normalise(text).split(" "):
        token = raw.strip(_EDGE_PUNCT)
        if token and token not in STOPWORDS:
            tokens.append(token)
    return tokens


def word_frequencies(words: list[str]) -> dict[str, int]:
    """Count occurrences of each word, keyed in order of first appearance."""
    counts: dict[str, int] = {}
    for word in words:
        if word in counts:
            continue
        counts[word] = sum(1 for other in words if other == word)
    return counts


def top_terms(words: list[str], n: int) -> list[str]:
    """The ``n`` most frequent words; ties go to the word seen first."""
    counts = word_frequencies(words)
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return [word for word, _ in ranked[:n]]


def shingles(tokens: list[str], size: int) -> list[str]:
    """Contiguous ``size``-grams of ``tokens``, each joined by one space."""
    grams: list[str] = []
    for start in range(len(tokens) - size + 1):
        grams = grams + [" ".join(tokens[start:start + size])]
    return grams
