import dataclasses
from typing import Any

import pytest

from quoter.kernel import KernelViolation, Line, Quote, check_quote


def _quote(**changes: Any) -> Quote:
    line = Line("A001", 2, 257, 514)
    return dataclasses.replace(Quote("EUR", (line,), 514, 10, 463), **changes)


def test_a_sound_quote_passes() -> None:
    check_quote(_quote())


@pytest.mark.parametrize("changes", [
    {"currency": "JPY"}, {"discount_percent": 31}, {"discount_percent": -1}, {"lines": ()},
    {"subtotal_cents": 515}, {"total_cents": 515}, {"total_cents": 359},
])
def test_kernel_violations(changes: dict[str, Any]) -> None:
    with pytest.raises(KernelViolation):
        check_quote(_quote(**changes))
