"""Contracts of cleaner/guard.py (kernel-protected module)."""


def mask_phone(value: str) -> str:
    """
    post: len(__return__) == len(value)
    post: sum(1 for ch in __return__ if ch.isdigit()) <= 2
    post: all(a == b for a, b in zip(value, __return__) if not a.isdigit())
    """
    ...


def export_row_count(requested: int, available: int) -> int:
    """
    post: 0 <= __return__ <= 500
    post: __return__ <= max(requested, 0) and __return__ <= max(available, 0)
    post: requested <= 0 or available <= 0 or __return__ > 0
    """
    ...
