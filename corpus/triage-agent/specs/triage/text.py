"""Contracts of triage/text.py."""


def word_frequencies(words: list[str]) -> dict[str, int]:
    """
    post: sum(__return__.values()) == len(words)
    post: list(__return__) == list(dict.fromkeys(words))
    post: all(__return__[w] == words.count(w) for w in __return__)
    """
    ...


def shingles(tokens: list[str], size: int) -> list[str]:
    """
    pre: size >= 1
    post: len(__return__) == max(0, len(tokens) - size + 1)
    post: all(g == " ".join(tokens[i:i + size]) for i, g in enumerate(__return__))
    """
    ...
