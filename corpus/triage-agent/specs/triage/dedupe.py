"""Contracts of triage/dedupe.py."""


def unique_in_order(items: list[str]) -> list[str]:
    """
    post: len(set(__return__)) == len(__return__)
    post: set(__return__) == set(items)
    post: all(items.index(a) < items.index(b) for a, b in zip(__return__, __return__[1:]))
    """
    ...
