"""Contracts of triage/sla.py."""


def add_business_minutes(start: int, minutes: int) -> int:
    """
    pre: start >= 0
    pre: 0 <= minutes <= 10000
    post: __return__ >= start + minutes
    post: minutes == 0 or is_business_time(__return__ - 1)
    """
    ...


def fib_backoff(level: int) -> int:
    """
    pre: 0 <= level <= 12
    post: __return__ % 15 == 0
    post: __return__ >= 15 * max(1, level)
    """
    ...
