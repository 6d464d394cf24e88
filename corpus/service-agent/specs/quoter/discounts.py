"""Contracts of quoter/discounts.py."""


def volume_discount_percent(quantity: int) -> int:
    """
    The volume schedule is commercial policy: it may change, within these bounds.

    crucible: may-change
    pre: quantity >= 0
    post: 0 <= __return__ <= 20
    """
    ...


def tier_discount_percent(tier: str) -> int:
    """
    post: 0 <= __return__ <= 10
    """
    ...


def discount_percent(quantity: int, tier: str) -> int:
    """
    Follows the volume schedule, so it may change with it.

    crucible: may-change
    pre: quantity >= 0
    post: 0 <= __return__ <= MAX_DISCOUNT_PERCENT
    """
    ...
