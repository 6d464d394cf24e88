"""Quotes: a basket of (SKU, quantity) lines priced in a currency for a loyalty tier.

`quote` is pure (no module state is read or written), which is what lets the hot-reload canary run
it a second time, on the previous version, to compare answers.
"""

from __future__ import annotations

from quoter import catalog, discounts
from quoter.fx import convert
from quoter.kernel import CURRENCIES, MAX_LINES, MAX_QUANTITY, Line, Quote, QuoteError


def apply_discount(cents: int, percent: int) -> int:
    """`cents` less `percent` percent of it, the discount rounded down."""
    return cents - cents * percent // 100


def price_line(sku: str, quantity: int, currency: str) -> Line:
    """One priced line; QuoteError for an unknown SKU or a quantity out of range."""
    if not 0 < quantity <= MAX_QUANTITY:
        raise QuoteError(f"quantity of {sku!r} must be 1..{MAX_QUANTITY}, got {quantity}")
    unit = catalog.unit_price(sku)
    if unit is None:
        raise QuoteError(f"unknown SKU {sku!r}")
    unit_cents = convert(unit, currency)
    return Line(sku, quantity, unit_cents, unit_cents * quantity)


def quote(items: list[tuple[str, int]], currency: str, tier: str) -> Quote:
    """Price `items` in `currency` for a customer of `tier`."""
    if currency not in CURRENCIES:
        raise QuoteError(f"unknown currency {currency!r} (known: {', '.join(CURRENCIES)})")
    if not 0 < len(items) <= MAX_LINES:
        raise QuoteError(f"a quote has 1..{MAX_LINES} lines, got {len(items)}")
    lines = tuple(price_line(sku, quantity, currency) for sku, quantity in items)
    subtotal = sum(line.cents for line in lines)
    percent = discounts.discount_percent(sum(line.quantity for line in lines), tier)
    return Quote(currency, lines, subtotal, percent, apply_discount(subtotal, percent))
