"""What a variant adds: the one comparison every "no new finding" gate uses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

__all__ = ["added"]

T = TypeVar("T")


def added(before: Iterable[T], after: Iterable[T], identity: Callable[[T], Hashable]) -> list[T]:
    """Items of `after` not matched one-for-one by an item of `before` with the same identity
    (a multiset difference: a finding that only moved is not new; a second copy of one is)."""
    budget = Counter(identity(item) for item in before)
    new = []
    for item in after:
        key = identity(item)
        if budget[key] > 0:
            budget[key] -= 1
        else:
            new.append(item)
    return new
