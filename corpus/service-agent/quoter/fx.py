"""Currency conversion from euro cents, in integer arithmetic."""

from __future__ import annotations

from quoter.kernel import CURRENCIES

# Units of the currency per 10 000 euro units.
_RATES: dict[str, int] = {"EUR": 10_000, "USD": 10_850, "GBP": 8_550}


def convert(cents_eur: int, currency: str) -> int:
    """`cents_eur` euro cents in cents of `currency`, rounded half up."""
    if currency not in CURRENCIES:
        raise KeyError(currency)
    return (cents_eur * _RATES[currency] + 5_000) // 10_000
