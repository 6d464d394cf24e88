"""Contracts of triage/history.py."""


def latest(times: list[int]) -> int:
    """
    pre: len(times) > 0
    post: __return__ in times
    post: all(t <= __return__ for t in times)
    """
    ...


def peak_window_load(counts: list[int], window: int) -> int:
    """
    pre: window >= 1
    pre: all(c >= 0 for c in counts)
    post: 0 <= __return__ <= sum(counts)
    post: len(counts) >= window or __return__ == 0
    post: all(__return__ >= sum(counts[i:i + window]) for i in range(len(counts) - window + 1))
    """
    ...
