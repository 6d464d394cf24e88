from cleaner.export import export_csv, preview, quote_field, to_csv
from cleaner.model import Row
from cleaner.records import parse_records
from cleaner.report import CleaningSummary, build_report, pad_cell, render_table


def test_pad_cell() -> None:
    assert pad_cell("ab", 4) == "ab  "
    assert pad_cell("ab", 4, align_right=True) == "  ab"
    assert pad_cell("abcdef", 3) == "abcdef"


def test_render_table_aligns_numbers_right() -> None:
    text = render_table(["name", "qty"], [["apple", "3"], ["kiwi", "12"]])
    assert text == "name  | qty\n------+----\napple |   3\nkiwi  |  12\n"


def test_build_report_lists_steps() -> None:
    summary = CleaningSummary(10, 8, 1, 1, 0.7, "C", ["dedupe on all rows"], [("id", "int", 0, "1 .. 10")])
    report = build_report(summary)
    assert "quality score:      0.700 (C)" in report
    assert "1. dedupe on all rows" in report
    assert "id     | int  |       0 | 1 .. 10" in report


def test_quote_field() -> None:
    assert quote_field("plain") == "plain"
    assert quote_field("a,b") == '"a,b"'
    assert quote_field('say "hi"') == '"say ""hi"""'


def test_csv_round_trip() -> None:
    rows: list[Row] = [{"id": 1, "note": "a, b", "ok": True, "x": None}, {"id": 2, "note": 'q"', "ok": False, "x": 1.5}]
    text = to_csv(rows, ["id", "note", "ok", "x"])
    table = parse_records(text)
    assert table.rows[0] == {"id": "1", "note": "a, b", "ok": "true", "x": ""}
    assert table.rows[1]["note"] == 'q"'


def test_export_csv_masks_pii() -> None:
    rows: list[Row] = [{"id": 1, "email": "ann@example.org"}]
    assert export_csv(rows, ["id", "email"]) == "id,email\n1,a***@example.org\n"


def test_preview_is_masked_and_short() -> None:
    rows: list[Row] = [{"id": i, "phone": f"555-010-{i:04d}"} for i in range(20)]
    text = preview(rows, ["id", "phone"], n=2)
    assert text.count("\n") == 4
    assert "555" not in text
