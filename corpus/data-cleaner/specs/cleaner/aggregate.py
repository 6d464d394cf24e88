"""Contracts of cleaner/aggregate.py."""


def group_counts(keys: list[str]) -> dict[str, int]:
    """
    post: sum(__return__.values()) == len(keys)
    post: set(__return__) == set(keys)
    post: all(__return__[k] == keys.count(k) for k in __return__)
    """
    ...


def moving_sum(values: list[int], window: int) -> list[int]:
    """
    pre: window > 0
    post: len(__return__) == max(0, len(values) - window + 1)
    post: window != 1 or __return__ == values
    post: len(values) < window or __return__[0] == sum(values[:window])
    post: len(values) < window or __return__[-1] == sum(values[-window:])
    """
    ...


def running_max(values: list[int]) -> list[int]:
    """
    post: len(__return__) == len(values)
    post: all(r >= v for r, v in zip(__return__, values))
    post: all(a <= b for a, b in zip(__return__, __return__[1:]))
    post: not values or __return__[-1] == max(values)
    """
    ...
