"""Discounts: by quantity ordered and by loyalty tier, capped by the kernel's maximum."""

from __future__ import annotations

from quoter.kernel import MAX_DISCOUNT_PERCENT

_VOLUME_STEPS: tuple[tuple[int, int], ...] = ((100, 10), (50, 6), (10, 3))
_TIER_PERCENT: dict[str, int] = {"standard": 0, "silver": 3, "gold": 6}


def volume_discount_percent(quantity: int) -> int:
    """Percent off for an order of `quantity` units in all."""
    for threshold, percent in _VOLUME_STEPS:
        if quantity >= threshold:
            return percent
    return 0


def tier_discount_percent(tier: str) -> int:
    """Percent off for a customer of loyalty `tier` (unknown tiers get none)."""
    return _TIER_PERCENT.get(tier, 0)


def discount_percent(quantity: int, tier: str) -> int:
    """The whole discount: volume plus loyalty, never above the kernel's maximum."""
    return min(MAX_DISCOUNT_PERCENT, volume_discount_percent(quantity) + tier_discount_percent(tier))
