"""Contracts of cleaner/dedupe.py."""


def unique_in_order(items: list[str]) -> list[str]:
    """
    post: len(__return__) == len(set(__return__))
    post: set(__return__) == set(items)
    post: not items or __return__[0] == items[0]
    post: all(items.index(a) < items.index(b) for a, b in zip(__return__, __return__[1:]))
    """
    ...


def edit_distance(a: str, b: str) -> int:
    """
    post: abs(len(a) - len(b)) <= __return__ <= max(len(a), len(b))
    post: (__return__ == 0) == (a == b)
    """
    ...
