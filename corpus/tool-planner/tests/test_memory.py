from planner.memory import Scratchpad, rank_entries, resolve_placeholders


def test_rank_entries_orders_by_overlap() -> None:
    entries = [
        ("s1", "standup at 09:30"),
        ("s2", "refund policy: 14 days"),
        ("s3", "refund issued for order 7 within 14 days"),
    ]
    assert rank_entries(entries, "Refund within 14 days", 5) == ["s3", "s2"]
    assert rank_entries(entries, "refund", 1) in (["s2"], ["s3"])
    assert rank_entries(entries, "nothing here", 3) == []


def test_resolve_placeholders() -> None:
    values = {"s1": "42", "s2": "done"}
    assert resolve_placeholders("{s1} and {s2}", values) == "42 and done"
    assert resolve_placeholders("{s9} stays", values) == "{s9} stays"
    assert resolve_placeholders("no braces", values) == "no braces"
    assert resolve_placeholders("open { only", values) == "open { only"


def test_scratchpad() -> None:
    pad = Scratchpad()
    pad.put("s1", "refund policy")
    pad.put("s2", "calendar events")
    pad.put("s1", "refund policy v2")
    assert len(pad) == 2
    assert pad.get("s1") == "refund policy v2"
    assert pad.get("zz") is None
    assert pad.history == ["s1", "s2", "s1"]
    assert pad.search("calendar") == ["s2"]
    assert pad.fill("see {s2}") == "see calendar events"
