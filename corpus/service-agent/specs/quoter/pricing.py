"""Contracts of quoter/pricing.py."""


def apply_discount(cents: int, percent: int) -> int:
    """
    pre: cents >= 0
    pre: 0 <= percent <= 100
    post: 0 <= __return__ <= cents
    post: __return__ >= cents - cents * percent // 100
    """
    ...
