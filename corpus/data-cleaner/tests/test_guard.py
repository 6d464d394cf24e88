import pytest

from cleaner import guard, settings
from cleaner.model import Row


def test_mask_email_keeps_initial_and_domain() -> None:
    assert guard.mask_email("alice.smith@example.com") == "a***@example.com"
    assert guard.mask_email("not an address") == "***"


def test_mask_phone_keeps_last_two_digits_and_layout() -> None:
    assert guard.mask_phone("+47 912 34 567") == "+** *** ** *67"
    assert guard.mask_phone("(555) 010-9999") == "(***) ***-**99"


def test_pii_columns_by_name_and_by_content() -> None:
    rows: list[Row] = [
        {"id": 1, "contact": "ann@example.org", "mobile_no": None, "city": "Oslo"},
        {"id": 2, "contact": "bob@example.org", "mobile_no": "555 123 4567", "city": "Bergen"},
    ]
    assert guard.pii_columns(["id", "contact", "mobile_no", "city"], rows) == ["contact", "mobile_no"]


def test_mask_row_does_not_modify_input() -> None:
    row: Row = {"email": "ann@example.org", "phone": "555-123-4567", "name": "Ann", "age": None}
    masked = guard.mask_row(row, ["email", "phone", "name", "age"])
    assert masked == {"email": "a***@example.org", "phone": "***-***-**67", "name": "***", "age": None}
    assert row["email"] == "ann@example.org"


def test_export_row_count_respects_cap() -> None:
    assert guard.export_row_count(10, 3) == 3
    assert guard.export_row_count(10**6, 10**6) == settings.MAX_EXPORT_ROWS
    assert guard.export_row_count(-5, 10) == 0


def test_guard_export_masks_and_caps() -> None:
    rows: list[Row] = [{"n": i, "email": f"user{i}@example.com"} for i in range(settings.MAX_EXPORT_ROWS + 25)]
    safe = guard.guard_export(rows, ["n", "email"])
    assert len(safe) == settings.MAX_EXPORT_ROWS
    assert safe[0] == {"n": 0, "email": "u***@example.com"}
    assert len(guard.guard_export(rows, ["n", "email"], requested=3)) == 3


def test_guard_export_refuses_stray_email_in_free_text() -> None:
    rows: list[Row] = [{"note": "call me"}, {"note": "or write to eve@example.net"}, {"note": "thanks"}]
    with pytest.raises(guard.GuardViolation):
        guard.guard_export(rows, ["note"])
