"""Contracts of planner/decompose.py."""


def unique_keywords(tokens: list[str]) -> list[str]:
    """
    post: len(__return__) == len(set(__return__))
    post: set(__return__) == set(tokens) - STOPWORDS
    post: __return__ == sorted(__return__, key=tokens.index)
    """
    ...


def keyword_counts(tokens: list[str], vocabulary: list[str]) -> dict[str, int]:
    """
    post: set(__return__) == set(vocabulary)
    post: all(__return__[word] == tokens.count(word) for word in vocabulary)
    """
    ...
