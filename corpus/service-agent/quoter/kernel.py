"""The safety kernel of the quoting agent (protected: see specs/kernel.toml).

The limits no code change may move, the currencies the agent may quote in, and the check every
quote passes before it leaves the process. The types that cross module boundaries live here too:
this module is never reloaded, so a `Quote` made by any version of the pricing code is the same
class, and `QuoteError` raised by any version is caught by the same `except`.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DISCOUNT_PERCENT: int = 30  # no quote is ever more than 30% off
CURRENCIES: tuple[str, ...] = ("EUR", "USD", "GBP")
MAX_QUANTITY: int = 10_000  # per line
MAX_LINES: int = 50
LOOPBACK: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")


class QuoteError(ValueError):
    """The request cannot be quoted (unknown SKU or currency, bad quantity): the caller's fault."""


class KernelViolation(RuntimeError):
    """A quote broke a kernel limit: it must never reach a customer."""


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: int
    unit_cents: int  # in the quote's currency
    cents: int

    def to_dict(self) -> dict[str, object]:
        return {"sku": self.sku, "quantity": self.quantity, "unit_cents": self.unit_cents, "cents": self.cents}


@dataclass(frozen=True)
class Quote:
    currency: str
    lines: tuple[Line, ...]
    subtotal_cents: int
    discount_percent: int
    total_cents: int

    def to_dict(self) -> dict[str, object]:
        return {
            "currency": self.currency,
            "lines": [line.to_dict() for line in self.lines],
            "subtotal_cents": self.subtotal_cents,
            "discount_percent": self.discount_percent,
            "total_cents": self.total_cents,
        }


def check_quote(quote: Quote) -> None:
    """Raise KernelViolation unless the quote keeps every kernel limit."""
    if quote.currency not in CURRENCIES:
        raise KernelViolation(f"currency {quote.currency!r} is not allowed")
    if not 0 <= quote.discount_percent <= MAX_DISCOUNT_PERCENT:
        raise KernelViolation(f"discount {quote.discount_percent}% is outside 0..{MAX_DISCOUNT_PERCENT}%")
    if not 0 < len(quote.lines) <= MAX_LINES:
        raise KernelViolation(f"{len(quote.lines)} lines (at most {MAX_LINES})")
    if quote.subtotal_cents != sum(line.cents for line in quote.lines):
        raise KernelViolation("the subtotal is not the sum of the lines")
    floor = quote.subtotal_cents - quote.subtotal_cents * MAX_DISCOUNT_PERCENT // 100
    if not floor <= quote.total_cents <= quote.subtotal_cents:
        raise KernelViolation(f"total {quote.total_cents} is outside {floor}..{quote.subtotal_cents}")
