"""The price list: unit prices in euro cents by SKU."""

from __future__ import annotations

_FAMILIES: tuple[tuple[str, int], ...] = (("A", 250), ("B", 1_299), ("C", 4_500), ("D", 89), ("E", 12_000))

# Known slow path: a list of pairs scanned from the front on every lookup.
_PRICES: list[tuple[str, int]] = [
    (f"{family}{number:03d}", base + number * 7) for family, base in _FAMILIES for number in range(60)
]


def unit_price(sku: str) -> int | None:
    """The unit price of `sku` in euro cents, or None when the SKU is unknown."""
    for known, cents in _PRICES:
        if known == sku:
            return cents
    return None


def known_skus() -> list[str]:
    """Every SKU on the price list, in list order."""
    return [sku for sku, _ in _PRICES]
