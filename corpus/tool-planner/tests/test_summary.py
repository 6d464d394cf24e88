from planner.summary import format_cents, render_summary, truncate


def test_format_cents() -> None:
    assert format_cents(1234) == "$12.34"
    assert format_cents(5) == "$0.05"
    assert format_cents(0) == "$0.00"


def test_truncate() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("a long line of text", 10) == "a long ..."
    assert len(truncate("x" * 100, 20)) == 20


def test_render_summary() -> None:
    text = render_summary([("s1", "calculator", "ok: 2", 1), ("s2", "purchase", "ok", 1525)])
    lines = text.splitlines()
    assert lines[0] == "[s1] calculator: ok: 2 ($0.01)"
    assert lines[-1] == "2 step(s), total $15.26"
    long = render_summary([("s1", "search_docs", "ok: " + "y" * 200, 2)])
    assert len(long.splitlines()[0]) <= 72
