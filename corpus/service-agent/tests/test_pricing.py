import pytest

from quoter.kernel import QuoteError, check_quote
from quoter.pricing import apply_discount, price_line, quote


def test_apply_discount_rounds_the_discount_down() -> None:
    assert apply_discount(1_000, 10) == 900
    assert apply_discount(999, 3) == 970
    assert apply_discount(0, 30) == 0


def test_price_line_in_currency() -> None:
    line = price_line("A001", 4, "USD")
    assert (line.unit_cents, line.cents) == (279, 1_116)


def test_quote_totals_and_discount() -> None:
    q = quote([("B010", 12), ("C005", 3)], "USD", "gold")
    assert q.subtotal_cents == 12 * 1_485 + 3 * 4_920
    assert q.discount_percent == 3 + 6
    assert q.total_cents == q.subtotal_cents - q.subtotal_cents * 9 // 100
    check_quote(q)


def test_quote_is_pure() -> None:
    items = [("A002", 5)]
    assert quote(items, "EUR", "silver") == quote(items, "EUR", "silver")
    assert items == [("A002", 5)]


@pytest.mark.parametrize(("items", "currency", "message"), [
    ([("A001", 1)], "JPY", "currency"),
    ([], "EUR", "lines"),
    ([("Z001", 1)], "EUR", "unknown SKU"),
    ([("A001", 0)], "EUR", "quantity"),
    ([("A001", 10_001)], "EUR", "quantity"),
])
def test_quote_refuses_bad_requests(items: list[tuple[str, int]], currency: str, message: str) -> None:
    with pytest.raises(QuoteError, match=message):
        quote(items, currency, "standard")
