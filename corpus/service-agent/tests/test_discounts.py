import pytest

from quoter.discounts import discount_percent, tier_discount_percent, volume_discount_percent
from quoter.kernel import MAX_DISCOUNT_PERCENT


@pytest.mark.parametrize(("quantity", "percent"), [
    (0, 0), (1, 0), (9, 0), (10, 3), (49, 3), (50, 6), (99, 6), (100, 10), (150, 10),
])
def test_volume_schedule(quantity: int, percent: int) -> None:
    assert volume_discount_percent(quantity) == percent


def test_tiers() -> None:
    assert [tier_discount_percent(t) for t in ("standard", "silver", "gold", "platinum")] == [0, 3, 6, 0]


def test_total_discount_is_capped() -> None:
    assert discount_percent(120, "gold") == 16
    assert all(discount_percent(q, t) <= MAX_DISCOUNT_PERCENT for q in range(0, 200, 7) for t in ("gold", "x"))
