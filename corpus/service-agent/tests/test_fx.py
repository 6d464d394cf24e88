import pytest

from quoter.fx import convert


@pytest.mark.parametrize(("cents", "currency", "expected"), [
    (1_000, "EUR", 1_000), (1_000, "USD", 1_085), (1_000, "GBP", 855), (1, "USD", 1), (0, "GBP", 0),
])
def test_convert(cents: int, currency: str, expected: int) -> None:
    assert convert(cents, currency) == expected


def test_convert_refuses_unknown_currencies() -> None:
    with pytest.raises(KeyError):
        convert(100, "JPY")
